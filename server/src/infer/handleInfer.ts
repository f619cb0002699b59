import type { IncomingMessage, ServerResponse } from 'node:http';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { HttpError } from '../http/httpError';
import { readBody } from '../http/readBody';
import { sendInferBody } from '../http/respond';
import type { ServedModel } from '../models/servedModel';
import type { Admission } from '../queue/admission';
import { QueueClosedError, QueueFullError, type Lease, type LeaseQueue } from '../queue/leaseQueue';
import type { EmbeddingStore } from '../embeddings/embeddingStore';
import { embeddingId } from '../embeddings/embeddingStore';
import type { EncoderSlot } from '../workers/workerSlot';
import { encodeInferResponse } from './encodeInferResponse';
import { parseInferRequest } from './parseInferRequest';
import type { RequestScope } from './requestScope';

export interface InferDeps {
  readonly queue: LeaseQueue<EncoderSlot>;
  readonly admission: Admission;
  readonly maxBodyBytes: number;
  /** The embedding cache: every embedding is kept and named in the answer. Absent: --embedding-cache-mb 0. */
  readonly store?: EmbeddingStore;
}

export const busy = (e: QueueFullError) => new HttpError(503, e.message, { 'Retry-After': String(e.retryAfterSeconds) });

/** A worker from the queue, or the 503 a full or closing queue answers (encoder and decoder requests alike). */
export async function leaseOrRefuse<R>(queue: LeaseQueue<R>, signal: AbortSignal): Promise<Lease<R>> {
  try {
    return await queue.acquire(signal);
  } catch (e) {
    if (e instanceof QueueFullError) throw busy(e);
    if (e instanceof QueueClosedError) throw new HttpError(503, 'the service is shutting down', { 'Retry-After': '1', Connection: 'close' });
    throw e;
  }
}

/** Resolves with the promise's value, or rejects as soon as the scope ends (timeout, client gone). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/**
 * POST .../infer: read and check the body, wait for a worker, run, answer. A job whose client leaves or
 * whose time runs out while queued is dropped from the queue. One already running in onnxruntime cannot
 * be interrupted (onnxruntime-node exposes no way to stop a run from outside): it finishes, its result is
 * discarded, and its worker stays counted as busy until then so the concurrency limit stays true.
 */
export async function handleInfer(req: IncomingMessage, res: ServerResponse, model: ServedModel, deps: InferDeps, scope: RequestScope): Promise<void> {
  // Refuse early when there is no room: no point reading a megabyte that cannot be served.
  if (!deps.admission.tryEnter()) throw busy(new QueueFullError(deps.queue.retryAfterSeconds()));
  try {
    await admitted(req, res, model, deps, scope);
  } finally {
    deps.admission.leave();
  }
}

async function admitted(req: IncomingMessage, res: ServerResponse, model: ServedModel, deps: InferDeps, scope: RequestScope): Promise<void> {
  scope.phase = 'body';
  const body = await readBody(req, deps.maxBodyBytes, scope.signal);
  scope.phase = 'work';
  const headerLength = req.headers[INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase()];
  const call = parseInferRequest(body, Array.isArray(headerLength) ? headerLength[0] : headerLength, model);
  const store = deps.store;
  if (!call.embeddingOutput && !store) throw new HttpError(400, 'this service keeps no embeddings (--embedding-cache-mb 0): ask for the embedding itself');
  const id = store ? embeddingId(model, call.dims, call.image) : undefined;
  // Only the id is wanted and the embedding is still here: nothing to compute (the encoder is deterministic).
  if (id !== undefined && !call.embeddingOutput && store?.get(id)) {
    const { body: out, headerLength: outHeader } = encodeInferResponse(model, call, undefined, id);
    return sendInferBody(res, out, outHeader, { 'Server-Timing': 'cache;desc="embedding kept"' });
  }
  const queued = performance.now();
  const lease = await leaseOrRefuse(deps.queue, scope.signal);
  const waitedMs = performance.now() - queued;
  const release = lease.release;
  const run = lease.resource.run({ model: model.name, image: call.image, dims: call.dims, datatype: call.outputs[0].datatype, keep: id !== undefined, wire: call.embeddingOutput });
  // Kept even if this client has gone: the slice is likely asked for again.
  if (id !== undefined) run.then((r) => r.shared && store!.put(id, { model: model.name, dims: r.dims, values: r.shared }), () => undefined);
  // The worker stays leased until the run really ends, even if this request is answered earlier.
  run.then(release, release);
  let result;
  try {
    result = await untilAborted(run, scope.signal);
  } catch (e) {
    if (scope.signal.aborted) throw scope.signal.reason;
    if (e instanceof HttpError) throw e;
    throw new HttpError(500, `inference failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { body: out, headerLength: outHeader } = encodeInferResponse(model, call, result, id);
  // Standard Server-Timing (browser dev tools show it): where the time went, for latency reports.
  const timing = `queue;dur=${waitedMs.toFixed(1)}, encoder;dur=${result.runMs.toFixed(1)}`;
  sendInferBody(res, out, outHeader, { 'Server-Timing': timing });
}
