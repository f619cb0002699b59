import { prepareImage, sessionEncoder, type ModelManifest, type ModelSession } from '@medsam-ohif/core';
import { cancelled } from '../WorkerError';
import type { EmbeddingProducer } from './types';

const now = () => performance.now();

/**
 * The encoder in this worker (onnxruntime-web). `session` may open the encoder on first use: with "auto" the
 * encoder file is downloaded only when the service fails, so a working service saves the browser that cost.
 */
export function browserProducer(manifest: ModelManifest, session: () => Promise<ModelSession>): EmbeddingProducer {
  return {
    source: 'browser',
    async embed(image, normalization, signal, report) {
      const encoder = await session();
      if (signal?.aborted) throw cancelled();
      report({ kind: 'stage', stage: 'normalize' });
      const prepared = prepareImage(image, manifest, normalization);
      report({ kind: 'stage', stage: 'encode' });
      const t0 = now();
      // An ORT run cannot be interrupted; a cancelled request still fills the cache, which costs nothing.
      const embedding = await sessionEncoder(encoder, manifest).encode(prepared);
      return {
        embedding,
        prepared: { rows: prepared.rows, columns: prepared.columns, transform: prepared.transform },
        normalization: prepared.normalization,
        timings: { ...prepared.timings, encode: now() - t0 },
        source: 'browser',
      };
    },
  };
}
