import type { PreprocessingProfile } from './manifestTypes';

/**
 * The compact uint8 image a "uint8-hw" encoder takes (the embedding service's wire form): the grey image
 * after the core's resize. MedSAM stretches to the whole S×S grid; LiteMedSAM scales the resized image
 * before zero padding, so its compact form is that image unpadded ([h, w], longest side S) and the graph
 * pads after min–max (a padded grid cannot tell padding from black pixels).
 */

/** The input shape a served compact encoder declares: [S, S], or [-1, -1] (variable) for LiteMedSAM. */
export function compactInputShape(profile: PreprocessingProfile, inputSize: number): [number, number] {
  return profile === 'litemedsam-longest-256' ? [-1, -1] : [inputSize, inputSize];
}

/** The plain-words reason `dims` is not a compact image of this profile, or undefined when it is. */
export function compactInputProblem(dims: readonly number[], profile: PreprocessingProfile, inputSize: number): string | undefined {
  const s = inputSize;
  const shown = `[${dims.join(', ')}]`;
  if (dims.length !== 2 || !dims.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    return `the compact image must be 2-D with positive sides, got ${shown}`;
  }
  if (profile !== 'litemedsam-longest-256') {
    return dims[0] === s && dims[1] === s ? undefined : `the compact image for ${profile} is [${s}, ${s}], got ${shown}`;
  }
  const [h, w] = dims;
  return h <= s && w <= s && Math.max(h, w) === s
    ? undefined
    : `the compact image for ${profile} is the resized image before padding (longest side ${s}, neither side over it), got ${shown}`;
}
