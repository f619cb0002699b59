import { axisStride, lineStarts } from './layout';
import { mirrorIndex } from './mirror';
import { numpySum } from './numpySum';

/**
 * scipy.ndimage's 1D Gaussian kernel (order 0): radius int(truncate·sigma + 0.5), weights
 * exp(−0.5/sigma² · x²) divided by their numpy sum. Returned centre-first: w[0] is the centre, w[j] the
 * weight at distance j (the kernel is exactly symmetric).
 * Math.exp is libm-grade; numpy built with Intel SVML uses SVML's exp on AVX-512 CPUs, which differs by one
 * ulp for some taps: the one known source of last-bit differences, only when an axis is downsampled.
 */
export function gaussianHalfKernel(sigma: number, truncate = 4.0): Float64Array {
  const radius = Math.trunc(truncate * sigma + 0.5);
  const scale = -0.5 / (sigma * sigma);
  const full = new Float64Array(2 * radius + 1);
  for (let x = -radius; x <= radius; x++) full[x + radius] = Math.exp(scale * (x * x));
  const sum = numpySum(full);
  const half = new Float64Array(radius + 1);
  for (let j = 0; j <= radius; j++) half[j] = full[radius + j] / sum;
  return half;
}

/**
 * scipy.ndimage.gaussian_filter1d(mode='mirror') along one axis, in place. Uses scipy's symmetric-kernel
 * sum order: centre term first, then pairs from the outermost inwards.
 */
export function gaussianFilterAxis(data: Float64Array, dims: readonly number[], axis: number, sigma: number): void {
  const len = dims[axis];
  const w = gaussianHalfKernel(sigma);
  const radius = w.length - 1;
  if (radius === 0 || len === 0) {
    // A single-tap kernel is 1.0 exactly: x·1.0 = x.
    return;
  }
  const stride = axisStride(dims, axis);
  // Mirror-extended line: radius samples either side.
  const ext = new Float64Array(len + 2 * radius);
  const source = new Int32Array(len + 2 * radius);
  for (let i = 0; i < source.length; i++) source[i] = mirrorIndex(i - radius, len);
  const starts = lineStarts(dims, axis);
  for (let s = 0; s < starts.length; s++) {
    const start = starts[s];
    for (let i = 0; i < ext.length; i++) ext[i] = data[start + source[i] * stride];
    for (let l = 0, p = start; l < len; l++, p += stride) {
      const centre = l + radius;
      let acc = ext[centre] * w[0];
      for (let j = radius; j >= 1; j--) acc += (ext[centre - j] + ext[centre + j]) * w[j];
      data[p] = acc;
    }
  }
}
