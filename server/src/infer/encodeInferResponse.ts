import { encodeBody, readFloat32, type EncodedBody } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { BINARY_DATA_SIZE, EMBEDDING_ID, type OipInferResponse, type OipResponseOutput } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import type { ServedModel } from '../models/servedModel';
import type { EncodeResult } from '../workers/protocol';
import type { InferCall } from './parseInferRequest';

/**
 * The response for a call whose embedding came back from a worker; binary outputs follow the JSON in order.
 * With the embedding cache, `parameters.embedding_id` names the kept embedding; a call that asked for no
 * embedding (`result` may then be undefined: it was still kept) gets an empty `outputs` list.
 */
export function encodeInferResponse(model: ServedModel, call: InferCall, result: EncodeResult | undefined, embeddingId?: string): EncodedBody {
  const binary: Uint8Array[] = [];
  const wanted = call.embeddingOutput && result ? call.outputs : [];
  const outputs: OipResponseOutput[] = wanted.map((o) => {
    if (!result) throw new Error('unreachable: outputs need a result');
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
    ...(embeddingId !== undefined ? { parameters: { [EMBEDDING_ID]: embeddingId } } : {}),
    outputs,
  };
  return encodeBody(response, binary);
}
