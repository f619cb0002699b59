// The project's Open Inference Protocol client, bundled separately (bench/dist/oip.cjs) so that the other
// suites still run while the service code is in flux.
export { oipEncoder } from '../../core/src/runtimes/oipClient.ts';
export { oipDecoder } from '../../core/src/runtimes/oipDecoder.ts';
