import { encodeBody, readFloat32, type EncodedBody } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { BINARY_DATA_SIZE, type OipInferResponse, type OipResponseOutput } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import type { ServedModel } from '../models/servedModel';
import type { EncodeResult } from '../workers/protocol';
import type { InferCall } from './parseInferRequest';

/** The response for a call whose embedding came back from a worker; binary outputs follow the JSON in order. */
export function encodeInferResponse(model: ServedModel, call: InferCall, result: EncodeResult): EncodedBody {
  const binary: Uint8Array[] = [];
  const outputs: OipResponseOutput[] = call.outputs.map((o) => {
    const base = { name: o.name, shape: [...result.dims], datatype: result.datatype };
    if (o.binary) {
      binary.push(result.bytes);
      return { ...base, parameters: { [BINARY_DATA_SIZE]: result.bytes.byteLength } };
    }
    return { ...base, data: Array.from(readFloat32(result.bytes)) };
  });
  const response: OipInferResponse = {
    model_name: model.name,
    model_version: model.version,
    ...(call.id !== undefined ? { id: call.id } : {}),
    outputs,
  };
  return encodeBody(response, binary);
}
