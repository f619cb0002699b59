import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeBody, readFloat32 } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { BINARY_DATA_SIZE, EMBEDDING_NOT_CACHED, INFERENCE_HEADER_CONTENT_LENGTH, type OipInferResponse } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import type { EmbeddingStore } from '../embeddings/embeddingStore';
import { HttpError } from '../http/httpError';
import { readBody } from '../http/readBody';
import { sendInferBody } from '../http/respond';
import type { ServedDecoder } from '../models/servedDecoder';
import type { Admission } from '../queue/admission';
import { QueueFullError, type LeaseQueue } from '../queue/leaseQueue';
import type { DecodeResult } from '../workers/protocol';
import type { DecoderSlot } from '../workers/workerSlot';
import { busy, leaseOrRefuse, untilAborted } from './handleInfer';
import { parseDecodeRequest, type DecodeCall } from './parseDecodeRequest';
import type { RequestScope } from './requestScope';

export interface DecodeDeps {
  readonly queue: LeaseQueue<DecoderSlot>;
  readonly admission: Admission;
  readonly store: EmbeddingStore;
}

/** A decoder request is a few hundred bytes of JSON: anything much larger is not one. */
const MAX_DECODE_BODY = 64 * 1024;

function response(decoder: ServedDecoder, call: DecodeCall, result: DecodeResult) {
  const base = { name: decoder.output.name, shape: [...result.dims], datatype: 'FP32' };
  const output = call.binaryOutput ? { ...base, parameters: { [BINARY_DATA_SIZE]: result.bytes.byteLength } } : { ...base, data: Array.from(readFloat32(result.bytes)) };
  const body: OipInferResponse = {
    model_name: decoder.name,
    model_version: decoder.version,
    ...(call.id !== undefined ? { id: call.id } : {}),
    outputs: [output],
  };
  return encodeBody(body, call.binaryOutput ? [result.bytes] : []);
}

/**
 * POST .../<model>-decoder/infer: the prompt in, the low-res logits out, on an embedding the encoder computed
 * here before (request parameter `embedding_id`). An id the cache no longer holds is a 404 with
 * `error_code: "embedding_not_cached"`, which clients recognise and answer by encoding again.
 */
export async function handleDecode(req: IncomingMessage, res: ServerResponse, decoder: ServedDecoder, deps: DecodeDeps, scope: RequestScope): Promise<void> {
  if (!deps.admission.tryEnter()) throw busy(new QueueFullError(deps.queue.retryAfterSeconds()));
  try {
    scope.phase = 'body';
    const body = await readBody(req, MAX_DECODE_BODY, scope.signal);
    scope.phase = 'work';
    const headerLength = req.headers[INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase()];
    const call = parseDecodeRequest(body, Array.isArray(headerLength) ? headerLength[0] : headerLength, decoder);
    const embedding = deps.store.get(call.embeddingId);
    if (!embedding) {
      throw new HttpError(
        404,
        `embedding ${call.embeddingId.slice(0, 12)}… is not in this service's embedding cache (evicted, or computed before a restart): send the image to model "${decoder.encoder.name}" again`,
        {},
        EMBEDDING_NOT_CACHED,
      );
    }
    if (embedding.model !== decoder.encoder.name) {
      throw new HttpError(400, `embedding ${call.embeddingId.slice(0, 12)}… was computed by model "${embedding.model}"; "${decoder.name}" decodes embeddings of "${decoder.encoder.name}"`);
    }
    const queued = performance.now();
    const lease = await leaseOrRefuse(deps.queue, scope.signal);
    const waitedMs = performance.now() - queued;
    const release = lease.release;
    const run = lease.resource.run({ model: decoder.encoder.name, embeddingId: call.embeddingId, embedding: embedding.values, embeddingDims: embedding.dims, prompt: call.prompt });
    run.then(release, release);
    let result;
    try {
      result = await untilAborted(run, scope.signal);
    } catch (e) {
      if (scope.signal.aborted) throw scope.signal.reason;
      throw new HttpError(500, `decoding failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const { body: out, headerLength: outHeader } = response(decoder, call, result);
    sendInferBody(res, out, outHeader, { 'Server-Timing': `queue;dur=${waitedMs.toFixed(1)}, decoder;dur=${result.runMs.toFixed(1)}` });
  } finally {
    deps.admission.leave();
  }
}
