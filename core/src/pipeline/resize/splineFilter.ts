import { exactPowInt } from './exactPow';
import { axisStride, lineStarts } from './layout';

/** The single pole of the cubic B-spline prefilter: sqrt(3) − 2. */
const POLE = -0.267949192431122706472553658494127633;

/**
 * Turn samples into cubic B-spline coefficients along one axis, in place, with the mirror boundary:
 * scipy.ndimage.spline_filter1d(order=3, mode='mirror'). Each step follows scipy's operation order
 * (gain, exact causal initialisation, recursive passes) so results agree to the last bit, which matters
 * because the resized values are truncated to integers afterwards.
 */
export function splineFilterAxis(data: Float64Array, dims: readonly number[], axis: number): void {
  const len = dims[axis];
  if (len <= 1) return; // scipy leaves 1-sample lines untouched
  const stride = axisStride(dims, axis);
  const line = new Float64Array(len);
  const starts = lineStarts(dims, axis);
  for (let s = 0; s < starts.length; s++) {
    const start = starts[s];
    for (let i = 0, p = start; i < len; i++, p += stride) line[i] = data[p];
    filterLine(line, len);
    for (let i = 0, p = start; i < len; i++, p += stride) data[p] = line[i];
  }
}

/** One line: gain, causal pass, anticausal pass (Unser et al. 1991), mirror initial conditions. */
export function filterLine(c: Float64Array, n: number): void {
  const z = POLE;
  const gain = (1.0 - z) * (1.0 - 1.0 / z);
  for (let i = 0; i < n; i++) c[i] *= gain;

  // Causal initial value: the full mirrored sum, as scipy computes it (no truncated horizon).
  const zn1 = exactPowInt(z, n - 1);
  let c0 = c[0] + zn1 * c[n - 1];
  let zi = z;
  for (let i = 1; i < n - 1; i++) {
    c0 += zi * (c[i] + zn1 * c[n - 1 - i]);
    zi *= z;
  }
  c[0] = c0 / (1 - zn1 * zn1);
  for (let i = 1; i < n; i++) c[i] += z * c[i - 1];

  c[n - 1] = ((z * c[n - 2] + c[n - 1]) * z) / (z * z - 1);
  for (let i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1] - c[i]);
}
