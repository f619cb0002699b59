import { mirrorCoordinate, mirrorIndex } from './mirror';

/** For each output sample along one axis: the 4 input coefficient indices and their cubic B-spline weights. */
export interface CubicSampling {
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/**
 * Sampling table of scipy.ndimage.zoom(order=3, mode='mirror', grid_mode=True) for one axis: output sample o
 * reads the input at (o + 0.5)·(in/out) − 0.5, the coordinate is mirrored into range, and the 4 coefficients
 * around it get the cubic B-spline weights (computed with scipy's formulas, last weight = 1 − the others).
 */
export function cubicSampling(inLen: number, outLen: number): CubicSampling {
  const zoom = inLen / outLen;
  const index = new Int32Array(outLen * 4);
  const weight = new Float64Array(outLen * 4);
  for (let o = 0; o < outLen; o++) {
    const cc = mirrorCoordinate((o + 0.5) * zoom - 0.5, inLen);
    const start = Math.floor(cc) - 1;
    for (let k = 0; k < 4; k++) index[o * 4 + k] = mirrorIndex(start + k, inLen);
    const x = cc - Math.floor(cc);
    const z = 1.0 - x;
    const w0 = (z * z * z) / 6.0;
    const w1 = (x * x * (x - 2.0) * 3.0 + 4.0) / 6.0;
    const w2 = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
    let w3 = 1.0;
    w3 -= w0;
    w3 -= w1;
    w3 -= w2;
    weight[o * 4] = w0;
    weight[o * 4 + 1] = w1;
    weight[o * 4 + 2] = w2;
    weight[o * 4 + 3] = w3;
  }
  return { index, weight };
}
