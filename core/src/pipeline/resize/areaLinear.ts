import { cvRound } from './cvRound';

/** OpenCV's fixed-point bilinear coefficients: 11 fractional bits. */
const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

/**
 * What cv2.resize(INTER_AREA) does when an axis is enlarged: not area averaging but OpenCV's 8-bit
 * fixed-point bilinear resize, with weights from pixel-area overlap instead of pixel-centre distance.
 * Output pixel d on an axis starts at source pixel s = floor(d·in/out) and takes a fraction
 * f = frac((d + 1) − (s + 1)·out/in) (0 when negative) from pixel s + 1. Both weights are rounded to 1/2048;
 * the vertical pass uses OpenCV's SIMD-compatible rounding ((b·(S >> 4)) >> 16 per row, then (+2) >> 2).
 */
export function resizeAreaLinear(
  src: Uint8Array,
  rows: number,
  columns: number,
  channels: number,
  outRows: number,
  outColumns: number,
): Uint8Array {
  const xt = axisTable(columns, outColumns);
  const yt = axisTable(rows, outRows);
  const width = outColumns * channels;
  const out = new Uint8Array(outRows * width);
  const rowCache = new Map<number, Int32Array>();
  const horizontal = (sy: number): Int32Array => {
    let row = rowCache.get(sy);
    if (!row) {
      row = horizontalPass(src, sy * columns * channels, channels, columns, xt, width);
      rowCache.set(sy, row);
    }
    return row;
  };
  for (let dy = 0; dy < outRows; dy++) {
    const sy = yt.start[dy];
    const s0 = horizontal(Math.min(sy, rows - 1));
    const s1 = horizontal(Math.min(sy + 1, rows - 1));
    const b0 = yt.w0[dy];
    const b1 = yt.w1[dy];
    const base = dy * width;
    for (let x = 0; x < width; x++) {
      out[base + x] = (((b0 * (s0[x] >> 4)) >> 16) + ((b1 * (s1[x] >> 4)) >> 16) + 2) >> 2;
    }
    // Rows are visited in order and each needs only sy and sy + 1: drop older ones.
    for (const key of rowCache.keys()) if (key < sy) rowCache.delete(key);
  }
  return out;
}

interface AxisTable {
  readonly start: Int32Array;
  readonly w0: Int32Array;
  readonly w1: Int32Array;
}

function axisTable(inLen: number, outLen: number): AxisTable {
  const invScale = outLen / inLen;
  const scale = 1 / invScale;
  const start = new Int32Array(outLen);
  const w0 = new Int32Array(outLen);
  const w1 = new Int32Array(outLen);
  for (let d = 0; d < outLen; d++) {
    let s = Math.floor(d * scale);
    let f = Math.fround(d + 1 - (s + 1) * invScale);
    f = f <= 0 ? 0 : Math.fround(f - Math.floor(f));
    if (s >= inLen - 1) {
      s = inLen - 1;
      f = 0;
    }
    start[d] = s;
    w0[d] = cvRound(Math.fround(1 - f) * COEF_SCALE);
    w1[d] = cvRound(f * COEF_SCALE);
  }
  return { start, w0, w1 };
}

/** One source row → integer row at scale 2048 (exact integer arithmetic, as OpenCV's SIMD and scalar agree). */
function horizontalPass(
  src: Uint8Array,
  rowOffset: number,
  channels: number,
  columns: number,
  xt: AxisTable,
  width: number,
): Int32Array {
  const row = new Int32Array(width);
  const outColumns = width / channels;
  for (let dx = 0; dx < outColumns; dx++) {
    const sx = xt.start[dx];
    const p = rowOffset + sx * channels;
    for (let c = 0; c < channels; c++) {
      row[dx * channels + c] =
        sx >= columns - 1 ? src[p + c] * COEF_SCALE : src[p + c] * xt.w0[dx] + src[p + c + channels] * xt.w1[dx];
    }
  }
  return row;
}
