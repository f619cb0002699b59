import type { ModelManifest, NormalizationSpec } from '@medsam-ohif/core';
import type { ImageRef } from './protocol';

/**
 * The model part of embedding keys: name, version, input geometry and the DECODER's hash, not the encoder's.
 * The browser's float encoder and the service's wrapped uint8 encoder are the same weights with different
 * files and hashes, and their embeddings differ only by runtime rounding (measured: max 1.3e-6, 0 with FP32
 * on the same runtime), so one cache serves both and a slice prefetched by either is ready for any box.
 * Consequence: replacing an encoder's weights needs a new manifest version (which a new export has anyway).
 */
export function embeddingIdentity(manifest: ModelManifest): string {
  const { name, version, profile, inputSize, embeddingDims, decoder } = manifest;
  return `${name}@${version}/${profile}/${inputSize}/${embeddingDims.join('x')}/decoder.${decoder.sha256.slice(0, 12)}`;
}

/**
 * The embedding cache key: the same pixels, model and normalisation give the same embedding. The imageId
 * is part of it because two viewers of one instance may load different frames or renderings of it.
 */
export function embeddingKey(modelIdentity: string, ref: ImageRef, normalization: NormalizationSpec): string {
  return JSON.stringify([modelIdentity, ref.sopInstanceUid ?? '', ref.frame ?? 1, ref.imageId, canonical(normalization)]);
}

/** Normalisation specs with the same meaning give the same text (key order does not matter). */
function canonical(spec: NormalizationSpec): unknown {
  switch (spec.kind) {
    case 'auto':
    case 'rgb':
    case 'none':
      return [spec.kind];
    case 'ct-window':
      return spec.window ? [spec.kind, spec.window.lower, spec.window.upper] : [spec.kind, spec.preset ?? 'default'];
    case 'percentile':
      return spec.bounds ? [spec.kind, spec.bounds.lower, spec.bounds.upper] : [spec.kind];
  }
}
