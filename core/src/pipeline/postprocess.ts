import type { Mask } from './image';

const f = Math.fround;

/** Where the low-res logits' valid content lies (LiteMedSAM pads; MedSAM ViT-B fills the whole grid). */
export interface LogitsRegion {
  readonly rows: number;
  readonly columns: number;
}

/**
 * Linear source index and weights along one axis, computed as PyTorch's CPU bilinear kernel does with
 * align_corners=False in float32: src = scale·(dst + 0.5) − 0.5, clamped at 0. Emulating float32 keeps
 * pixels that sit near the threshold on the same side as the reference.
 */
function axisWeights(inSize: number, outSize: number) {
  const scale = f(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    let src = f(f(scale * f(d + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.trunc(src);
    const lambda = Math.min(Math.max(f(src - lo), 0), 1);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = lambda;
    w0[d] = f(1 - lambda);
  }
  return { i0, i1, w0, w1 };
}

/**
 * Bilinear resize (align_corners=False) of a row-major float plane, reading only the top-left `region`
 * of a `stride`-wide grid, with PyTorch's float32 evaluation order: rows of the width interpolation,
 * then the height interpolation.
 */
export function bilinearResize(
  plane: Float32Array,
  stride: number,
  region: LogitsRegion,
  outRows: number,
  outColumns: number,
): Float32Array {
  const ys = axisWeights(region.rows, outRows);
  const xs = axisWeights(region.columns, outColumns);
  const out = new Float32Array(outRows * outColumns);
  for (let y = 0; y < outRows; y++) {
    const r0 = ys.i0[y] * stride;
    const r1 = ys.i1[y] * stride;
    const h0 = ys.w0[y];
    const h1 = ys.w1[y];
    const o = y * outColumns;
    for (let x = 0; x < outColumns; x++) {
      const c0 = xs.i0[x];
      const c1 = xs.i1[x];
      const a = xs.w0[x];
      const b = xs.w1[x];
      const top = f(f(plane[r0 + c0] * a) + f(plane[r0 + c1] * b));
      const bottom = f(f(plane[r1 + c0] * a) + f(plane[r1 + c1] * b));
      out[o + x] = f(f(top * h0) + f(bottom * h1));
    }
  }
  return out;
}

export function sigmoid(plane: Float32Array): Float32Array {
  const out = new Float32Array(plane.length);
  for (let i = 0; i < plane.length; i++) out[i] = 1 / (1 + Math.exp(-plane[i]));
  return out;
}

export interface PostprocessOptions {
  /** Side of the square low-res logits grid (256). */
  readonly lowResSize: number;
  /** Valid part of the grid (all of it for MedSAM; the un-padded part for LiteMedSAM). */
  readonly region: LogitsRegion;
  /**
   * MedSAM applies the sigmoid before resizing; LiteMedSAM resizes the logits and applies it after.
   * Both then threshold the probability at 0.5.
   */
  readonly sigmoidFirst: boolean;
  readonly rows: number;
  readonly columns: number;
}

/** Low-res logits → binary mask on the original image grid: sigmoid, bilinear to H×W, > 0.5. */
export function logitsToMask(logits: Float32Array, options: PostprocessOptions): Mask {
  const { lowResSize, region, rows, columns, sigmoidFirst } = options;
  const data = new Uint8Array(rows * columns);
  if (sigmoidFirst) {
    const probabilities = bilinearResize(sigmoid(logits), lowResSize, region, rows, columns);
    for (let i = 0; i < data.length; i++) data[i] = probabilities[i] > 0.5 ? 1 : 0;
  } else {
    // sigmoid(x) > 0.5 exactly when x > 0, so the logits can be thresholded directly.
    const resized = bilinearResize(logits, lowResSize, region, rows, columns);
    for (let i = 0; i < data.length; i++) data[i] = resized[i] > 0 ? 1 : 0;
  }
  return { rows, columns, data };
}

export interface MaskSummary {
  readonly areaPixels: number;
  /** Inclusive pixel-index bounds of the mask, or null when it is empty. */
  readonly bbox: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number } | null;
}

export function summarizeMask(mask: Mask): MaskSummary {
  let area = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < mask.rows; y++) {
    for (let x = 0; x < mask.columns; x++) {
      if (!mask.data[y * mask.columns + x]) continue;
      area++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return { areaPixels: area, bbox: area ? { x0, y0, x1, y1 } : null };
}
