// Inputs shared by the decoder checks that run as plain Node bundles (splitDecoderCheck, preOptimizedCheck):
// a phantom-like slice and the selected low-res mask logits of one decoder run.
import type { ModelSession } from '../../core/src/pipeline/backend';
import { decoderFeeds, selectMaskLogits } from '../../core/src/pipeline/decoderFeeds';
import type { SourceImage } from '../../core/src/pipeline/image';
import type { ModelManifest } from '../../core/src/pipeline/manifestTypes';
import type { Tensor } from '../../core/src/pipeline/tensor';

/** A 256² CT-like slice with two bright ellipses, as the phantoms. */
export function phantomSlice(seed: number): SourceImage {
  const rows = 256;
  const columns = 256;
  const pixels = new Int16Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const liver = ((c - 90 - seed * 7) / 40) ** 2 + ((r - 120) / 55) ** 2 < 1 ? 200 : 0;
      const kidney = ((c - 180) / 30) ** 2 + ((r - 150 + seed * 5) / 25) ** 2 < 1 ? 120 : 0;
      pixels[r * columns + c] = -50 + liver + kidney + ((r * 31 + c * 17 + seed) % 13);
    }
  }
  return { rows, columns, samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'CT' };
}

/** The manifest's mask logits for one box (model space) on a phantomSlice's embedding. */
export async function maskLogits(manifest: ModelManifest, decoder: ModelSession, embedding: Tensor, box: { x0: number; y0: number; x1: number; y1: number }): Promise<Float32Array> {
  const spec = manifest.decoder;
  const out = await decoder.run(decoderFeeds(spec, embedding, box, manifest.lowResSize, { rows: 256, columns: 256 }), [spec.outputs.lowResLogits]);
  return Float32Array.from(selectMaskLogits(out[spec.outputs.lowResLogits]!, spec.maskIndex, manifest.lowResSize));
}
