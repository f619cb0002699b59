import type { NormalizationSpec } from '@medsam-ohif/core';
import type { ImageRef } from './protocol';

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
      return [spec.kind];
    case 'ct-window':
      return spec.window ? [spec.kind, spec.window.lower, spec.window.upper] : [spec.kind, spec.preset ?? 'default'];
    case 'percentile':
      return spec.bounds ? [spec.kind, spec.bounds.lower, spec.bounds.upper] : [spec.kind];
  }
}
