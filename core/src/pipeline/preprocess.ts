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
 * compact uint8 grey image that a wrapped encoder (embedding service, Triton) takes: [S, S] for MedSAM,
 * the resized image before padding for LiteMedSAM (see compactInput.ts).
 */
export function prepareEncoderInput(image: Uint8Image, manifest: ModelManifest, mode: MedsamResizeMode = 'fast'): EncoderInputPreparation {
  const t0 = globalThis.performance.now();
  const compact = manifest.encoder.inputFormat === 'uint8-hw';
  if (compact && image.channels !== 1) {
    throw new MedSamError('BAD_IMAGE', `model ${manifest.name} takes greyscale images; this image is RGB`);
  }
  // The compact form carries the single grey plane, so it always uses the 2D resize.
  const input = buildEncoderInput(image, manifest.profile, manifest.inputSize, compact ? 'fast' : mode);
  const { resized } = input;
  const tensor: Tensor = compact
    ? { type: 'uint8', dims: [resized.rows, resized.columns], data: resized.data }
    : { type: 'float32', dims: input.dims, data: input.data };
  return { tensor, transform: input.transform, timings: { resize: globalThis.performance.now() - t0 } };
}
