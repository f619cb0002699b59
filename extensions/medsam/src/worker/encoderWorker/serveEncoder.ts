import { MedSamError, type ModelManifest, type ModelSession, type Tensor } from '@medsam-ohif/core';
import { browserProducer } from '../encoders/browserEncoder';
import type { EmbeddingProducer } from '../encoders/types';
import { toWireError, type Progress } from '../protocol';
import { isToEncoderWorker, type EncoderWorkerSettings, type FromEncoderWorker, type ToEncoderWorker } from './messages';

/** The encoder worker's own end of the channel (its global scope; a MessagePort in tests). */
export interface EncoderWorkerScope {
  postMessage(message: FromEncoderWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

export interface OpenedEncoder {
  readonly manifest: ModelManifest;
  readonly session: ModelSession;
  /** e.g. "onnxruntime-web/wasm". */
  readonly backend: string;
  readonly threads: number;
}

/** Opens the encoder session (onnxruntime-web in the browser: openBrowserEncoder.ts). */
export type OpenEncoder = (settings: EncoderWorkerSettings, report: (p: Progress) => void) => Promise<OpenedEncoder>;

/** The embedding's data in a buffer of its own: the runtime may own the output's memory, which cannot be moved. */
function ownedTensor(t: Tensor): Tensor {
  return { type: t.type, dims: [...t.dims], data: t.data.slice() };
}

/**
 * The encoder worker: opens the encoder on `open`, then prepares (normalise, resize) and encodes one image at
 * a time in arrival order, handing each embedding back with its buffer moved, not copied.
 */
export function serveEncoder(scope: EncoderWorkerScope, open: OpenEncoder): void {
  let producer: EmbeddingProducer | null = null;
  let queue: Promise<void> = Promise.resolve();
  const send = (m: FromEncoderWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

  async function handle(m: ToEncoderWorker): Promise<void> {
    try {
      if (m.type === 'open') {
        const opened = await open(m.settings, (progress) => send({ type: 'progress', id: m.id, progress }));
        producer = browserProducer(opened.manifest, async () => opened.session);
        send({ type: 'opened', id: m.id, backend: opened.backend, threads: opened.threads });
        return;
      }
      if (!producer) throw new MedSamError('MODEL_UNAVAILABLE', 'the encoder worker was asked to encode before its encoder was open');
      const computed = await producer.embed(m.image, m.normalization, undefined, () => undefined);
      const embedding = ownedTensor(computed.embedding);
      send({ type: 'encoded', id: m.id, embedding: { ...computed, embedding } }, [embedding.data.buffer as ArrayBuffer]);
    } catch (e) {
      send({ type: 'failed', id: m.id, error: toWireError(e) });
    }
  }

  scope.addEventListener('message', (event) => {
    const m = event.data;
    if (!isToEncoderWorker(m)) return;
    // One run at a time: onnxruntime-web's WASM run blocks this thread anyway, and the order is the caller's.
    queue = queue.then(() => handle(m));
  });
}
