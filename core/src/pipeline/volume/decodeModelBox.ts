import type { ModelSession } from '../backend';
import { decoderFeeds, selectMaskLogits } from '../decoderFeeds';
import { MedSamError } from '../errors';
import type { Mask } from '../image';
import type { ModelManifest } from '../manifestTypes';
import { logitsToMask } from '../postprocess';
import type { ModelInputTransform, PixelBox } from '../resize/modelTransform';
import type { Tensor } from '../tensor';

/**
 * The decoder on a box that is already in model input pixels (the 3D protocol derives most boxes there),
 * then MedSAM's post-processing to the slice's grid; segmentBox calls it after its box conversion.
 * `timings`, when given, receives the decoder and post-processing milliseconds.
 */
export async function decodeModelBox(
  decoder: ModelSession,
  manifest: ModelManifest,
  /** null where `decoder` holds the embedding itself (a service decoder on an embedding it kept). */
  embedding: Tensor | null,
  slice: { readonly rows: number; readonly columns: number; readonly transform: ModelInputTransform },
  modelBox: PixelBox,
  timings?: { decoder?: number; postprocess?: number },
): Promise<Mask> {
  const spec = manifest.decoder;
  const t0 = globalThis.performance.now();
  const feeds = decoderFeeds(spec, embedding, modelBox, manifest.lowResSize, slice);
  const out = await decoder.run(feeds, [spec.outputs.lowResLogits]);
  const t1 = globalThis.performance.now();
  const logits = out[spec.outputs.lowResLogits];
  if (!logits) throw new MedSamError('INFERENCE_FAILED', `the decoder returned no "${spec.outputs.lowResLogits}" output`);
  const plane = selectMaskLogits(logits, spec.maskIndex, manifest.lowResSize);
  const t = slice.transform;
  const toLowRes = manifest.lowResSize / t.inputSize;
  const mask = logitsToMask(plane, {
    lowResSize: manifest.lowResSize,
    region: { rows: Math.round(t.scaledRows * toLowRes), columns: Math.round(t.scaledColumns * toLowRes) },
    sigmoidFirst: t.profile === 'medsam-stretch-1024',
    rows: slice.rows,
    columns: slice.columns,
  });
  if (timings) {
    timings.decoder = t1 - t0;
    timings.postprocess = globalThis.performance.now() - t1;
  }
  return mask;
}
