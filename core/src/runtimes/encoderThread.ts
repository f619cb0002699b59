/**
 * The encoder in a Node worker thread of its own, so that it works on the next slice while the decoder runs on
 * this one. onnxruntime-node's run() blocks the JS thread that calls it (1.30 only defers it with
 * setImmediate), and onnxruntime-web's WASM run does too, so two sessions on one thread never overlap.
 * The thread opens the encoder with the same backend code and options as the caller's thread would
 * (createNodeBackend, loadModelPart), so its embeddings are the same bits.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { MedSamError, type MedSamErrorCode } from '../pipeline/errors';
import { parseManifest } from '../pipeline/manifest';
import { loadModelPart } from '../pipeline/modelLoader';
import type { SourceImage } from '../pipeline/image';
import type { NormalizationSpec } from '../pipeline/normalize';
import type { ModelManifest } from '../pipeline/manifestTypes';
import { prepareImage, sessionEncoder, type ImageEncoder, type PreparedImage } from '../pipeline/predictor';
import type { Tensor } from '../pipeline/tensor';
import { createNodeBackend, type NodeBackendName } from './backendChoice';
import { nodeModelSource, readManifestJson } from './nodeModelSource';

export interface EncoderThreadInit {
  readonly manifestPath: string;
  readonly backend: NodeBackendName;
  readonly threads?: number;
}

/** Marks the worker data, so that a bundle used as the thread's script knows it is one. */
const MARK = 'medsam-encoder-thread';

type ToThread = { readonly id: number; readonly image: SourceImage; readonly normalization: NormalizationSpec };
/** What the decoder needs of a prepared image (the encoder's input stays in the thread). */
export type PreparedSlice = Omit<PreparedImage, 'encoderInput'>;
export interface ThreadEmbedding {
  readonly embedding: Tensor;
  readonly prepared: PreparedSlice;
  /** Time of the encoder's run in the thread (the caller's wait also counts the queue there). */
  readonly runMs: number;
}
type FromThread =
  | { readonly type: 'ready' }
  | ({ readonly type: 'embedding'; readonly id: number } & ThreadEmbedding)
  | { readonly type: 'error'; readonly id: number; readonly code: MedSamErrorCode | null; readonly message: string };

export interface EncoderThread {
  /** Normalises, resizes and encodes `image` in the thread, one image at a time in call order. */
  embed(image: SourceImage, normalization: NormalizationSpec): Promise<ThreadEmbedding>;
  close(): Promise<void>;
}

const rebuild = (code: MedSamErrorCode | null, message: string) => (code ? new MedSamError(code, message) : new Error(message));

/**
 * Starts `script` (a file that calls serveEncoderThread() when isEncoderThread()) and waits until its
 * encoder session is open; a model that fails to open fails here, with the thread's error.
 */
export function startEncoderThread(script: string, init: EncoderThreadInit): Promise<EncoderThread> {
  const worker = new Worker(script, { workerData: { [MARK]: init } });
  const waiting = new Map<number, { resolve: (t: ThreadEmbedding) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let broken: Error | null = null;
  const failAll = (e: Error) => {
    broken = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  return new Promise((resolve, reject) => {
    worker.on('error', (e) => (failAll(e), reject(e)));
    worker.on('exit', (code) => failAll(new Error(`the encoder thread stopped (exit code ${code})`)));
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') {
        resolve({
          embed(image, normalization) {
            if (broken) return Promise.reject(broken);
            const id = nextId++;
            return new Promise<ThreadEmbedding>((ok, fail) => {
              waiting.set(id, { resolve: ok, reject: fail });
              worker.postMessage({ id, image, normalization } satisfies ToThread);
            });
          },
          async close() {
            await worker.terminate();
          },
        });
        return;
      }
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.type === 'embedding') w?.resolve({ embedding: m.embedding, prepared: m.prepared, runMs: m.runMs });
      else if (m.id === 0) reject(rebuild(m.code, m.message));
      else w?.reject(rebuild(m.code, m.message));
    });
  });
}

/** True inside a thread started by startEncoderThread. */
export function isEncoderThread(): boolean {
  return !isMainThread && typeof workerData === 'object' && workerData !== null && MARK in workerData;
}

/** The thread's side: opens the encoder, then prepares and encodes one image at a time, in order. */
export async function serveEncoderThread(): Promise<void> {
  const port = parentPort;
  if (!port || !isEncoderThread()) throw new Error('serveEncoderThread must run in a thread started by startEncoderThread');
  const init = (workerData as Record<string, EncoderThreadInit>)[MARK];
  const fail = (id: number, e: unknown) =>
    port.postMessage({ type: 'error', id, code: e instanceof MedSamError ? e.code : null, message: e instanceof Error ? e.message : String(e) } satisfies FromThread);
  let manifest: ModelManifest;
  let encoder: ImageEncoder;
  try {
    manifest = parseManifest(await readManifestJson(init.manifestPath));
    const backend = await createNodeBackend(init.backend, init.threads);
    encoder = sessionEncoder(await loadModelPart(manifest, 'encoder', nodeModelSource(init.manifestPath), backend), manifest);
  } catch (e) {
    fail(0, e);
    return;
  }
  let queue = Promise.resolve();
  port.on('message', (m: ToThread) => {
    queue = queue.then(async () => {
      try {
        const { encoderInput, ...prepared } = prepareImage(m.image, manifest, m.normalization);
        const t0 = performance.now();
        const embedding = await encoder.encode({ ...prepared, encoderInput });
        const runMs = performance.now() - t0;
        // A copy: the runtime may own the output's memory, which cannot be transferred.
        const data = (embedding.data as Float32Array).slice();
        port.postMessage({ type: 'embedding', id: m.id, embedding: { type: embedding.type, dims: [...embedding.dims], data }, prepared, runMs } satisfies FromThread, [data.buffer]);
      } catch (e) {
        fail(m.id, e);
      }
    });
  });
  port.postMessage({ type: 'ready' } satisfies FromThread);
}
