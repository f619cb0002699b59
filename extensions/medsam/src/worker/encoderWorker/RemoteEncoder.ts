import { MedSamError, type MedSamErrorCode, type NormalizationSpec, type SourceImage } from '@medsam-ohif/core';
import type { ComputedEmbedding, EmbeddingProducer } from '../encoders/types';
import type { Progress, WireError } from '../protocol';
import { cancelled, WorkerError } from '../WorkerError';
import { isFromEncoderWorker, type EncoderWorkerSettings, type FromEncoderWorker, type ToEncoderWorker } from './messages';

/** The part of a Worker the inference worker uses to reach its encoder worker (a MessagePort in tests). */
export interface EncoderWorkerLike {
  postMessage(message: ToEncoderWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

type Answer = Exclude<FromEncoderWorker, { type: 'progress' }>;
type Body = ToEncoderWorker extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Waiting {
  resolve(answer: Answer): void;
  reject(error: Error): void;
  report?: (p: Progress) => void;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** An error the encoder worker reported, with its code kept (so the panel words it as the same error here). */
function fromWire(error: WireError): Error {
  if (error.code === 'INTERNAL') return new Error(error.message);
  if (error.code === 'CANCELLED' || error.code === 'SERVICE_UNAVAILABLE') return new WorkerError(error.code, error.message);
  return new MedSamError(error.code as MedSamErrorCode, error.message);
}

/**
 * The browser's encoder in a second worker, seen from the inference worker: `embed` sends the image there and
 * gets the embedding back (its buffer moved), so this worker's thread stays free to decode meanwhile. When the
 * worker itself fails, every request waiting fails and `stopped` says why.
 */
export class RemoteEncoder implements EmbeddingProducer {
  readonly source = 'browser' as const;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private failure: Error | null = null;
  private died = false;
  /** The encoder worker's runtime and threads, once open. */
  backend = '';
  threads = 0;

  constructor(private readonly worker: EncoderWorkerLike) {
    worker.addEventListener('message', (event) => this.onMessage(event.data));
    worker.addEventListener('error', (event) => {
      // A module worker whose script does not load reports an error event without a message.
      this.died = !this.failure;
      this.stop(new Error(event.message ? `the encoder worker failed: ${event.message}` : 'the encoder worker failed (its script did not load)'));
    });
  }

  /** Why the encoder worker died on its own (an error event); null while it works, and after terminate(). */
  get stopped(): Error | null {
    return this.died ? this.failure : null;
  }

  /** Opens the encoder there; rejects with the worker's error (a failed download, a hash mismatch, no WASM). */
  async open(settings: EncoderWorkerSettings, report: (p: Progress) => void): Promise<void> {
    const answer = await this.request({ type: 'open', settings }, report);
    if (answer.type !== 'opened') throw new Error(`the encoder worker answered "${answer.type}" to "open"`);
    this.backend = answer.backend;
    this.threads = answer.threads;
  }

  async embed(image: SourceImage, normalization: NormalizationSpec, signal: AbortSignal | undefined, report: (p: Progress) => void): Promise<ComputedEmbedding> {
    if (signal?.aborted) throw cancelled();
    report({ kind: 'stage', stage: 'encode' });
    // The image is copied, not moved: the caller may still need it (a fallback encodes it here).
    const answer = await this.request({ type: 'encode', image, normalization });
    if (answer.type !== 'encoded') throw new Error(`the encoder worker answered "${answer.type}" to "encode"`);
    return answer.embedding;
  }

  /** Stops the encoder worker (its model was replaced); requests waiting fail, with no fallback. */
  terminate(why: Error = new Error('the encoder worker was stopped')): void {
    this.stop(why);
  }

  private request(body: Body, report?: (p: Progress) => void): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const message = { ...body, id } as ToEncoderWorker;
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, report });
      try {
        this.worker.postMessage(message, []);
      } catch (e) {
        this.waiting.delete(id);
        reject(new Error(`cannot send to the encoder worker: ${messageOf(e)}`));
      }
    });
  }

  private onMessage(data: unknown): void {
    if (!isFromEncoderWorker(data)) return;
    const waiting = this.waiting.get(data.id);
    if (!waiting) return;
    if (data.type === 'progress') {
      waiting.report?.(data.progress);
      return;
    }
    this.waiting.delete(data.id);
    if (data.type === 'failed') waiting.reject(fromWire(data.error));
    else waiting.resolve(data);
  }

  private stop(why: Error): void {
    if (!this.failure) {
      this.failure = why;
      this.worker.terminate();
    }
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(why);
  }
}

/**
 * Starts the encoder worker and opens its encoder; null when it cannot (no nested workers, a script that does
 * not load, an encoder that does not open there): the caller then encodes in its own worker, and the console
 * says so once. Never throws.
 */
export async function startEncoderWorker(
  create: () => EncoderWorkerLike,
  settings: EncoderWorkerSettings,
  report: (p: Progress) => void,
  warn: (message: string) => void = console.warn,
): Promise<RemoteEncoder | null> {
  let remote: RemoteEncoder | null = null;
  try {
    remote = new RemoteEncoder(create());
    await remote.open(settings, report);
    return remote;
  } catch (e) {
    remote?.terminate();
    warn(`MedSAM: the encoder worker (medsam.encoderWorker) could not start, so one worker encodes and decodes: ${messageOf(e)}`);
    return null;
  }
}

/**
 * The browser's encoder as the encoder router sees it: the encoder worker while it runs (none: this worker's
 * own). If that worker stops, this image and every later one are encoded here, and the console says so once;
 * an encoder error there (a bad image) is the request's error, as it would be here.
 */
export function encoderWorkerOrLocal(remote: () => RemoteEncoder | null, local: EmbeddingProducer, warn: (message: string) => void = console.warn): EmbeddingProducer {
  let gaveUp = false;
  return {
    source: 'browser',
    async embed(image, normalization, signal, report) {
      const worker = gaveUp ? null : remote();
      if (worker) {
        try {
          return await worker.embed(image, normalization, signal, report);
        } catch (e) {
          if (!worker.stopped) throw e;
          gaveUp = true;
          warn(`MedSAM: the encoder worker stopped (${worker.stopped.message}); this worker encodes from now on`);
        }
      }
      return local.embed(image, normalization, signal, report);
    },
  };
}
