import { sessionEncoder, type ModelManifest, type ModelSession, type Tensor } from '@medsam-ohif/core';
import { toEncoderTensor } from '@medsam-ohif/core/src/pipeline/resize';
import type { ComputedEmbedding } from '../encoders/types';
import type { KeptEmbedding } from './ServiceDecoding';

/**
 * The embedding of a slice that was kept on the service, computed here from its compact image after the
 * service stopped decoding (3D decodes have no source image at hand). The browser's float encoder gets the
 * core's own min-max and 3 channels of that image: the tensor prepareImage would have made.
 */
export async function browserEmbeddingOfKept(manifest: ModelManifest, encoder: ModelSession, kept: KeptEmbedding): Promise<ComputedEmbedding> {
  const compact = kept.prepared.encoderInput;
  const [rows, columns] = compact.dims;
  const s = manifest.inputSize;
  const input: Tensor =
    manifest.encoder.inputFormat === 'uint8-hw'
      ? compact
      : { type: 'float32', dims: [1, 3, s, s], data: toEncoderTensor({ rows, columns, channels: 1, data: compact.data as Uint8Array }, s) };
  const t0 = performance.now();
  const embedding = await sessionEncoder(encoder, manifest).encode({ ...kept.prepared, encoderInput: input });
  return {
    embedding,
    prepared: { rows: kept.prepared.rows, columns: kept.prepared.columns, transform: kept.prepared.transform },
    normalization: kept.normalization,
    timings: { encode: performance.now() - t0 },
    source: 'browser',
  };
}
