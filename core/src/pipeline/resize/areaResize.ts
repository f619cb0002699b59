import { resizeAreaLinear } from './areaLinear';
import { cvRound, saturateUint8 } from './cvRound';

const DBL_EPSILON = 2.220446049250313e-16;

/**
 * cv2.resize(src, (outColumns, outRows), interpolation=cv2.INTER_AREA) on 8-bit images, as OpenCV 4.x
 * computes it on x86 without IPP (LiteMedSAM's longest-side-to-256 resize):
 *  - same size: a copy;
 *  - both axes shrink (or keep) by integer factors: block means, rounded (sum + 2) >> 2 for 2×2 blocks,
 *    otherwise nearest-even of the float32 product sum·(1/area);
 *  - both axes shrink (or keep), not both by integers: exact area averaging with float32 weights and sums;
 *  - any axis grows: OpenCV's bilinear variant (see resizeAreaLinear), not area averaging.
 * src is row-major with channels interleaved.
 */
export function resizeArea(
  src: Uint8Array,
  rows: number,
  columns: number,
  channels: number,
  outRows: number,
  outColumns: number,
): Uint8Array {
  for (const v of [rows, columns, channels, outRows, outColumns]) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`resizeArea: sizes must be positive integers, got ${v}`);
  }
  if (src.length !== rows * columns * channels) {
    throw new Error(`resizeArea: ${src.length} samples do not make a ${rows}x${columns}x${channels} image`);
  }
  if (rows === outRows && columns === outColumns) return src.slice();

  const scaleX = 1 / (outColumns / columns);
  const scaleY = 1 / (outRows / rows);
  if (scaleX >= 1 && scaleY >= 1) {
    const ix = cvRound(scaleX);
    const iy = cvRound(scaleY);
    if (Math.abs(scaleX - ix) < DBL_EPSILON && Math.abs(scaleY - iy) < DBL_EPSILON) {
      return blockMean(src, columns, channels, outRows, outColumns, ix, iy);
    }
    return areaAverage(src, rows, columns, channels, outRows, outColumns, scaleX, scaleY);
  }
  return resizeAreaLinear(src, rows, columns, channels, outRows, outColumns);
}

/** Integer factors: plain block sums. */
function blockMean(
  src: Uint8Array,
  columns: number,
  channels: number,
  outRows: number,
  outColumns: number,
  fx: number,
  fy: number,
): Uint8Array {
  const out = new Uint8Array(outRows * outColumns * channels);
  const area = fx * fy;
  const scale = Math.fround(1 / area);
  // OpenCV's 2×2 kernel (SIMD and scalar alike) rounds half up; the generic one rounds a float to even.
  const halfUp = fx === 2 && fy === 2 && (channels === 1 || channels === 3 || channels === 4);
  const rowStride = columns * channels;
  let o = 0;
  for (let dy = 0; dy < outRows; dy++) {
    for (let dx = 0; dx < outColumns; dx++) {
      for (let c = 0; c < channels; c++, o++) {
        let sum = 0;
        for (let y = 0; y < fy; y++) {
          const p = (dy * fy + y) * rowStride + dx * fx * channels + c;
          for (let x = 0; x < fx; x++) sum += src[p + x * channels];
        }
        out[o] = halfUp ? (sum + 2) >> 2 : saturateUint8(Math.fround(sum * scale));
      }
    }
  }
  return out;
}

interface AreaTab {
  readonly di: Int32Array;
  readonly si: Int32Array;
  readonly alpha: Float32Array;
}

/** computeResizeAreaTab: which source pixels (and what fraction of each) make each output pixel. */
function areaTab(inLen: number, outLen: number, scale: number): AreaTab {
  const di: number[] = [];
  const si: number[] = [];
  const alpha: number[] = [];
  for (let d = 0; d < outLen; d++) {
    const f1 = d * scale;
    const f2 = f1 + scale;
    const cellWidth = Math.min(scale, inLen - f1);
    let s1 = Math.ceil(f1);
    let s2 = Math.floor(f2);
    s2 = Math.min(s2, inLen - 1);
    s1 = Math.min(s1, s2);
    if (s1 - f1 > 1e-3) {
      di.push(d);
      si.push(s1 - 1);
      alpha.push((s1 - f1) / cellWidth);
    }
    for (let s = s1; s < s2; s++) {
      di.push(d);
      si.push(s);
      alpha.push(1.0 / cellWidth);
    }
    if (f2 - s2 > 1e-3) {
      di.push(d);
      si.push(s2);
      alpha.push(Math.min(Math.min(f2 - s2, 1), cellWidth) / cellWidth);
    }
  }
  return { di: Int32Array.from(di), si: Int32Array.from(si), alpha: Float32Array.from(alpha) };
}

/** Non-integer shrink: separable weighted sums in float32, in OpenCV's accumulation order. */
function areaAverage(
  src: Uint8Array,
  rows: number,
  columns: number,
  channels: number,
  outRows: number,
  outColumns: number,
  scaleX: number,
  scaleY: number,
): Uint8Array {
  const xt = areaTab(columns, outColumns, scaleX);
  const yt = areaTab(rows, outRows, scaleY);
  const width = outColumns * channels;
  const out = new Uint8Array(outRows * width);
  const buf = new Float32Array(width);
  const sum = new Float32Array(width);
  const f = Math.fround;
  let prevDy = yt.di[0];
  for (let j = 0; j < yt.di.length; j++) {
    const beta = yt.alpha[j];
    const dy = yt.di[j];
    const rowBase = yt.si[j] * columns * channels;
    buf.fill(0);
    for (let k = 0; k < xt.di.length; k++) {
      const d = xt.di[k] * channels;
      const s = rowBase + xt.si[k] * channels;
      const a = xt.alpha[k];
      for (let c = 0; c < channels; c++) buf[d + c] = f(buf[d + c] + f(src[s + c] * a));
    }
    if (dy !== prevDy) {
      for (let x = 0; x < width; x++) {
        out[prevDy * width + x] = saturateUint8(sum[x]);
        sum[x] = f(beta * buf[x]);
      }
      prevDy = dy;
    } else {
      for (let x = 0; x < width; x++) sum[x] = f(sum[x] + f(beta * buf[x]));
    }
  }
  for (let x = 0; x < width; x++) out[prevDy * width + x] = saturateUint8(sum[x]);
  return out;
}
