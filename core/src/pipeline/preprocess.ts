import { MedSamError } from './errors';
import type { Uint8Image } from './image';
import type { ModelManifest } from './manifestTypes';
import { buildEncoderInput, type MedsamResizeMode, type ModelInputTransform } from './resize';
import type { Tensor } from './tensor';

export type { ModelInputTransform } from './resize';

export interface EncoderInputPreparation {
  readonly tensor: Tensor;
  readonly transform: ModelInputTransform;
  readonly timings: { readonly resize: number };
}

/**
 * Normalised 8-bit image → the encoder's input in the manifest's format: float32 NCHW in [0, 1], or the
 * compact uint8 [S, S] grey image that a wrapped encoder (embedding service, Triton) takes.
 */
export function prepareEncoderInput(image: Uint8Image, manifest: ModelManifest, mode: MedsamResizeMode = 'fast'): EncoderInputPreparation {
  const t0 = globalThis.performance.now();
  const compact = manifest.encoder.inputFormat === 'uint8-hw';
  if (compact && image.channels !== 1) {
    throw new MedSamError('BAD_IMAGE', `model ${manifest.name} takes greyscale images; this image is RGB`);
  }
  // The compact form carries the single grey plane, so it always uses the 2D resize.
  const input = buildEncoderInput(image, manifest.profile, manifest.inputSize, compact ? 'fast' : mode);
  const s = manifest.inputSize;
  const tensor: Tensor = compact
    ? { type: 'uint8', dims: [s, s], data: padGrey(input.resized, s) }
    : { type: 'float32', dims: input.dims, data: input.data };
  return { tensor, transform: input.transform, timings: { resize: globalThis.performance.now() - t0 } };
}

/** The resized grey image at the top-left of an S×S zero grid (a no-op copy for MedSAM's full stretch). */
function padGrey(resized: Uint8Image, size: number): Uint8Array {
  if (resized.rows === size && resized.columns === size) return resized.data;
  const out = new Uint8Array(size * size);
  for (let r = 0; r < resized.rows; r++) out.set(resized.data.subarray(r * resized.columns, (r + 1) * resized.columns), r * size);
  return out;
}
