import type { DecodeRequest, DecodeResult, EmbedRequest, EmbedResult, EncoderStatus, ModelInfo, Progress, SegmentRequest, SegmentResult, WireError, WorkerRequest, WorkerResponse, WorkerSettings } from '../worker/protocol';
import { isWorkerResponse, transferablesOf } from '../worker/protocol';

/** The part of a Worker the client uses (a fake in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

/** A failure reported by the worker, with the core's error code (or INTERNAL / WORKER_FAILED). */
export class InferenceError extends Error {
  override name = 'InferenceError';
  constructor(
    readonly code: WireError['code'] | 'WORKER_FAILED',
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(response: WorkerResponse): void;
  reject(error: InferenceError): void;
  onProgress?: (p: Progress) => void;
}

type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** What the worker reports without being asked. */
export interface WorkerEvents {
  cacheKeys?(keys: readonly string[]): void;
  encoderStatus?(status: EncoderStatus): void;
}

/** Main-thread side of the worker protocol: one promise per request, progress through callbacks. */
export class InferenceClient {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<WorkerEvents>();

  constructor(private readonly createWorker: () => WorkerLike) {}

  /** Listens to the worker's unsolicited reports; returns the unsubscribe function. */
  listen(events: WorkerEvents): () => void {
    this.listeners.add(events);
    return () => this.listeners.delete(events);
  }

  async load(settings: WorkerSettings, onProgress?: (p: Progress) => void): Promise<ModelInfo> {
    const response = await this.request({ type: 'load', settings }, onProgress);
    if (response.type !== 'loaded') throw unexpected(response);
    return response.model;
  }

  async segment(request: SegmentRequest, onProgress?: (p: Progress) => void): Promise<SegmentResult> {
    const response = await this.request({ type: 'segment', request }, onProgress);
    if (response.type !== 'segmented') throw unexpected(response);
    return response.result;
  }

  /** Embeds an image into the worker's cache; `signal` cancels it (waiting, or a service call in flight). */
  async embed(request: EmbedRequest, signal?: AbortSignal, onProgress?: (p: Progress) => void): Promise<EmbedResult> {
    const response = await this.request({ type: 'embed', request }, onProgress, signal);
    if (response.type !== 'embedded') throw unexpected(response);
    return response.result;
  }

  /** 3D: decodes a box in model input pixels on the embedding an `embed` cached under `request.key`. */
  async decode(request: DecodeRequest): Promise<DecodeResult> {
    const response = await this.request({ type: 'decode', request });
    if (response.type !== 'decoded') throw unexpected(response);
    return response.result;
  }

  async clearCache(): Promise<void> {
    await this.request({ type: 'clearCache' });
  }

  /** Stops the worker; pending requests fail. The next request starts a new worker. */
  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.failAll(new InferenceError('WORKER_FAILED', 'the inference worker was stopped'));
  }

  private request(body: Exclude<RequestBody, { type: 'cancel' }>, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<WorkerResponse> {
    if (signal?.aborted) return Promise.reject(new InferenceError('CANCELLED', 'the request was cancelled'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const message = { ...body, id } as WorkerRequest;
    // The worker answers a cancelled request with a CANCELLED error, so the promise always settles there.
    const onAbort = () => this.worker === worker && worker.postMessage({ type: 'cancel', id: this.nextId++, target: id } satisfies WorkerRequest, []);
    signal?.addEventListener('abort', onAbort, { once: true });
    return new Promise<WorkerResponse>((resolve, reject) => {
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, { resolve: (r) => (settle(), resolve(r)), reject: (e) => (settle(), reject(e)), onProgress });
      worker.postMessage(message, transferablesOf(message));
    });
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    let worker: WorkerLike;
    try {
      worker = this.createWorker();
    } catch (e) {
      throw new InferenceError('WORKER_FAILED', `the inference worker could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    worker.addEventListener('message', (event) => this.onMessage(event.data));
    worker.addEventListener('error', (event) => {
      // A module worker that fails to load (404, wrong MIME type) reports an error event without a message.
      const detail = event.message ? `: ${event.message}` : ' (its script did not load: check the medsam-worker.mjs URL and its MIME type)';
      this.worker?.terminate();
      this.worker = null;
      this.failAll(new InferenceError('WORKER_FAILED', `the inference worker failed${detail}`));
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(data: unknown): void {
    if (!isWorkerResponse(data)) return;
    if (data.type === 'cacheKeys' || data.type === 'encoderStatus') {
      for (const l of this.listeners) data.type === 'cacheKeys' ? l.cacheKeys?.(data.keys) : l.encoderStatus?.(data.status);
      return;
    }
    const pending = this.pending.get(data.id);
    if (!pending) return;
    if (data.type === 'progress') {
      pending.onProgress?.(data.progress);
      return;
    }
    this.pending.delete(data.id);
    if (data.type === 'error') pending.reject(new InferenceError(data.error.code, data.error.message));
    else pending.resolve(data);
  }

  private failAll(error: InferenceError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}

function unexpected(response: WorkerResponse): InferenceError {
  return new InferenceError('INTERNAL', `unexpected answer "${response.type}" from the inference worker`);
}
