import type { Mask } from './image';

const f = Math.fround;

/** Where the low-res logits' valid content lies (LiteMedSAM pads; MedSAM ViT-B fills the whole grid). */
export interface LogitsRegion {
  readonly rows: number;
  readonly columns: number;
}

/**
 * Source indices and weights along one axis as PyTorch's CPU bilinear kernel (align_corners=False) makes
 * them: scale = float32(in / out); src = scale·(dst + 0.5) − 0.5 in double, clamped at 0;
 * λ = float32(src − ⌊src⌋), 1 − λ in float32.
 */
function axisWeights(inSize: number, outSize: number) {
  const scale = f(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(scale * (d + 0.5) - 0.5, 0);
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
 * of a `stride`-wide grid, with PyTorch's float32 arithmetic (torch 1.13, CPU), which keeps pixels at the
 * 0.5 threshold on the reference's side. PyTorch has two kernels for a [1, 1, h, w] tensor:
 * - contiguous (the region spans whole rows: MedSAM's 256², LiteMedSAM on wide images): the channels-last
 *   kernel: four corner weights, each the float32 product of a row and a column weight, and the weighted
 *   sum of the corners rounded to float32 once;
 * - a narrower crop (LiteMedSAM on tall images: `masks[..., :h, :w]` is a strided view): the generic kernel,
 *   fma(a, w0, b·w1) along the row, then the same across the two rows (GCC contracts `a*w0 + b*w1`).
 * Both measured bit for bit on every value (test/fixtures/litemedsam).
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
  const wholeRows = region.columns === stride;
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
      if (wholeRows) {
        // float32 × float32 products are exact in double; the sum is rounded to float32 when stored.
        out[o + x] = f(h0 * a) * plane[r0 + c0] + f(h0 * b) * plane[r0 + c1] + f(h1 * a) * plane[r1 + c0] + f(h1 * b) * plane[r1 + c1];
      } else {
        const top = fma32(plane[r0 + c0], a, f(plane[r0 + c1] * b));
        const bottom = fma32(plane[r1 + c0], a, f(plane[r1 + c1] * b));
        out[o + x] = fma32(top, h0, f(bottom * h1));
      }
    }
  }
  return out;
}

const bits = new Float32Array(1);
const bitsInt = new Int32Array(bits.buffer);

/** The float32 next to `v` (a float32, not 0) in the direction of `toward`. */
function nextFloat32(v: number, toward: number): number {
  bits[0] = v;
  bitsInt[0] += (toward > v) === (v > 0) ? 1 : -1;
  return bits[0];
}

/**
 * Fused multiply-add of float32 values, rounded once to float32: a·b is exact in double; the double sum's
 * rounding error (TwoSum) settles the one case where rounding twice would differ, a float32 tie.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  if (r === s || r === 0) return r;
  const v = s - p;
  const err = p - (s - v) + (c - v);
  if (err === 0) return r;
  const n = nextFloat32(r, s);
  if (s - r !== n - s) return r; // not a tie: the double's rounding cannot have changed the float32 result
  return (err > 0) === (n > r) ? n : r;
}

export function sigmoid(plane: Float32Array): Float32Array {
  const out = new Float32Array(plane.length);
  for (let i = 0; i < plane.length; i++) out[i] = 1 / (1 + Math.exp(-plane[i]));
  return out;
}

/**
 * The largest float32 logit whose float32 sigmoid (PyTorch's) is still exactly 0.5: 1.5 · 2⁻²⁴. So
 * `sigmoid(x) > 0.5` holds exactly when x > this, not when x > 0 (measured with torch 1.13 on CPU).
 */
export const LOGIT_AT_HALF = 1.5 * 2 ** -24;

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
    const resized = bilinearResize(logits, lowResSize, region, rows, columns);
    for (let i = 0; i < data.length; i++) data[i] = resized[i] > LOGIT_AT_HALF ? 1 : 0;
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
