// What the Node suites use of the project, bundled from its TypeScript by bench/lib/build.mjs into
// bench/dist/core.cjs (onnxruntime stays in node_modules).
export * from '../../core/src/index.ts';
export { adaptOrtSession } from '../../core/src/runtimes/ortAdapter.ts';
export { createOrtNodeBackend } from '../../core/src/runtimes/ortNode.ts';
export { createOrtWebBackend } from '../../core/src/runtimes/ortWeb.ts';
export { createNodeBackend } from '../../core/src/runtimes/backendChoice.ts';
export { nodeModelSource, readManifestJson } from '../../core/src/runtimes/nodeModelSource.ts';
export { isEncoderThread, serveEncoderThread, startEncoderThread } from '../../core/src/runtimes/encoderThread.ts';
export { boxToModelSpace } from '../../core/src/pipeline/resize/modelTransform.ts';
