/** Colour layouts of 3-sample DICOM pixels: planar to interleaved, and YBR_FULL(_422) to RGB. */
import type { IntegerArray } from './pixelValues';

/** Planar Configuration 1 (RRR... GGG... BBB...) to interleaved (RGB RGB ...). */
export function planarToInterleaved<T extends IntegerArray>(values: T, pixels: number): T {
  const out = new (values.constructor as new (n: number) => T)(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    out[3 * p] = values[p];
    out[3 * p + 1] = values[pixels + p];
    out[3 * p + 2] = values[2 * pixels + p];
  }
  return out;
}

const clampByte = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** YBR_FULL (PS3.3 C.7.6.3.1.2, full-range ITU-R BT.601) to RGB, 8-bit, interleaved, in place. */
export function ybrFullToRgbInPlace(values: Uint8Array): void {
  for (let i = 0; i + 2 < values.length; i += 3) {
    const y = values[i];
    const cb = values[i + 1] - 128;
    const cr = values[i + 2] - 128;
    values[i] = clampByte(y + 1.402 * cr);
    values[i + 1] = clampByte(y - 0.344136 * cb - 0.714136 * cr);
    values[i + 2] = clampByte(y + 1.772 * cb);
  }
}

/**
 * Uncompressed YBR_FULL_422: each pair of pixels in a row is stored as Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2).
 * Expands the chroma to every pixel and converts to interleaved RGB.
 */
export function ybrFull422ToRgb(bytes: Uint8Array, rows: number, columns: number): Uint8Array {
  const out = new Uint8Array(rows * columns * 3);
  const pairsPerRow = Math.ceil(columns / 2);
  for (let r = 0; r < rows; r++) {
    for (let pair = 0; pair < pairsPerRow; pair++) {
      const src = (r * pairsPerRow + pair) * 4;
      const cb = bytes[src + 2];
      const cr = bytes[src + 3];
      for (let k = 0; k < 2; k++) {
        const c = pair * 2 + k;
        if (c >= columns) break;
        const dst = (r * columns + c) * 3;
        out[dst] = bytes[src + k];
        out[dst + 1] = cb;
        out[dst + 2] = cr;
      }
    }
  }
  ybrFullToRgbInPlace(out);
  return out;
}
