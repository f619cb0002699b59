import { cubicSampling, type CubicSampling } from './cubicSampling';
import { gaussianFilterAxis } from './gaussianFilter';
import { splineFilterAxis } from './splineFilter';

/**
 * skimage.transform.resize(img, (outRows, outColumns), order=3, preserve_range=True, anti_aliasing=True)
 * as scikit-image 0.19 computes it with scipy ≥ 1.6 (mode 'reflect' → scipy 'mirror'):
 *  1. Gaussian blur with sigma = max(0, (in/out − 1)/2) on each downsampled axis (scipy gaussian_filter);
 *  2. cubic B-spline prefilter on every axis, the channel axis included when there is one;
 *  3. scipy.ndimage.zoom(order=3, grid_mode=True): each output sample sums 4^rank coefficient·weight terms;
 *  4. clip to the input's [min, max].
 * Every step keeps scipy's operation order, because MedSAM truncates the result to uint8 and a value that
 * sits on an integer (any flat region) flips a grey level on the last bit.
 *
 * src is row-major with channels interleaved. channels = 1 is a 2D image (rank 2, as MedSAM's grey input
 * would be); channels > 1 is the rank-3 array skimage sees for RGB or for grey replicated to 3 channels.
 */
export function resizeLikeSkimage(
  src: Float64Array | Uint8Array,
  rows: number,
  columns: number,
  channels: number,
  outRows: number,
  outColumns: number,
): Float64Array {
  checkShape(src.length, rows, columns, channels, outRows, outColumns);
  const data = Float64Array.from(src);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }

  const dims = channels === 1 ? [rows, columns] : [rows, columns, channels];
  // Anti-aliasing: only axes that shrink get a Gaussian (scipy skips sigma <= 1e-15).
  const sigmaRows = Math.max(0, (rows / outRows - 1) / 2);
  const sigmaColumns = Math.max(0, (columns / outColumns - 1) / 2);
  if (sigmaRows > 1e-15) gaussianFilterAxis(data, dims, 0, sigmaRows);
  if (sigmaColumns > 1e-15) gaussianFilterAxis(data, dims, 1, sigmaColumns);

  for (let axis = 0; axis < dims.length; axis++) splineFilterAxis(data, dims, axis);

  const rowTable = cubicSampling(rows, outRows);
  const columnTable = cubicSampling(columns, outColumns);
  const out =
    channels === 1
      ? sampleGrey(data, columns, rowTable, columnTable, outRows, outColumns)
      : sampleChannels(data, columns, channels, rowTable, columnTable, outRows, outColumns);

  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (v < min) out[i] = min;
    else if (v > max) out[i] = max;
  }
  return out;
}

function checkShape(length: number, rows: number, columns: number, channels: number, outRows: number, outColumns: number): void {
  for (const [name, v] of [
    ['rows', rows],
    ['columns', columns],
    ['channels', channels],
    ['outRows', outRows],
    ['outColumns', outColumns],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`resizeLikeSkimage: ${name} must be a positive integer, got ${v}`);
  }
  if (length !== rows * columns * channels) {
    throw new Error(`resizeLikeSkimage: ${length} samples do not make a ${rows}x${columns}x${channels} image`);
  }
}

/** Rank-2 zoom: 16 terms per output pixel, rows outer, columns inner, each (c·w_row)·w_col. */
function sampleGrey(
  coef: Float64Array,
  columns: number,
  rt: CubicSampling,
  ct: CubicSampling,
  outRows: number,
  outColumns: number,
): Float64Array {
  const out = new Float64Array(outRows * outColumns);
  const ci = ct.index;
  const cw = ct.weight;
  for (let orow = 0; orow < outRows; orow++) {
    const q = orow * 4;
    const r0 = rt.index[q] * columns;
    const r1 = rt.index[q + 1] * columns;
    const r2 = rt.index[q + 2] * columns;
    const r3 = rt.index[q + 3] * columns;
    const wr0 = rt.weight[q];
    const wr1 = rt.weight[q + 1];
    const wr2 = rt.weight[q + 2];
    const wr3 = rt.weight[q + 3];
    let o = orow * outColumns;
    for (let oc = 0, k = 0; oc < outColumns; oc++, k += 4, o++) {
      const c0 = ci[k];
      const c1 = ci[k + 1];
      const c2 = ci[k + 2];
      const c3 = ci[k + 3];
      const w0 = cw[k];
      const w1 = cw[k + 1];
      const w2 = cw[k + 2];
      const w3 = cw[k + 3];
      let t = 0;
      t += coef[r0 + c0] * wr0 * w0;
      t += coef[r0 + c1] * wr0 * w1;
      t += coef[r0 + c2] * wr0 * w2;
      t += coef[r0 + c3] * wr0 * w3;
      t += coef[r1 + c0] * wr1 * w0;
      t += coef[r1 + c1] * wr1 * w1;
      t += coef[r1 + c2] * wr1 * w2;
      t += coef[r1 + c3] * wr1 * w3;
      t += coef[r2 + c0] * wr2 * w0;
      t += coef[r2 + c1] * wr2 * w1;
      t += coef[r2 + c2] * wr2 * w2;
      t += coef[r2 + c3] * wr2 * w3;
      t += coef[r3 + c0] * wr3 * w0;
      t += coef[r3 + c1] * wr3 * w1;
      t += coef[r3 + c2] * wr3 * w2;
      t += coef[r3 + c3] * wr3 * w3;
      out[o] = t;
    }
  }
  return out;
}

/**
 * Rank-3 zoom (channel axis at zoom 1): 64 terms per output sample, rows, columns, channels nested, each
 * ((c·w_row)·w_col)·w_channel. The partial product (c·w_row)·w_col does not depend on the output channel, so
 * it is computed once per pixel and reused: same operations, a third of the multiplications.
 */
function sampleChannels(
  coef: Float64Array,
  columns: number,
  channels: number,
  rt: CubicSampling,
  ct: CubicSampling,
  outRows: number,
  outColumns: number,
): Float64Array {
  const kt = cubicSampling(channels, channels);
  const out = new Float64Array(outRows * outColumns * channels);
  const rowStride = columns * channels;
  const partial = new Float64Array(16 * channels);
  let o = 0;
  for (let orow = 0; orow < outRows; orow++) {
    for (let oc = 0; oc < outColumns; oc++) {
      for (let i = 0, p = 0; i < 4; i++) {
        const rowBase = rt.index[orow * 4 + i] * rowStride;
        const wr = rt.weight[orow * 4 + i];
        for (let j = 0; j < 4; j++) {
          const base = rowBase + ct.index[oc * 4 + j] * channels;
          const wc = ct.weight[oc * 4 + j];
          for (let m = 0; m < channels; m++, p++) partial[p] = coef[base + m] * wr * wc;
        }
      }
      for (let och = 0; och < channels; och++, o++) {
        const k0 = kt.index[och * 4];
        const k1 = kt.index[och * 4 + 1];
        const k2 = kt.index[och * 4 + 2];
        const k3 = kt.index[och * 4 + 3];
        const w0 = kt.weight[och * 4];
        const w1 = kt.weight[och * 4 + 1];
        const w2 = kt.weight[och * 4 + 2];
        const w3 = kt.weight[och * 4 + 3];
        let t = 0;
        for (let q = 0; q < 16 * channels; q += channels) {
          t += partial[q + k0] * w0;
          t += partial[q + k1] * w1;
          t += partial[q + k2] * w2;
          t += partial[q + k3] * w3;
        }
        out[o] = t;
      }
    }
  }
  return out;
}
