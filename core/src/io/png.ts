/**
 * PNG in and out. Reading: grey 8/16-bit stays grey (alpha dropped), RGB / RGBA / palette become
 * interleaved RGB (alpha dropped, not composited); bit depths below 8 are scaled to 8 bits; modality 'OT';
 * 8-bit (and lower) files are marked `eightBitFile`, so MedSAM sees their values as they are.
 * Writing: a mask as an 8-bit greyscale PNG, 255 inside and 0 outside.
 */
import { PNG, type PNGWithMetadata } from 'pngjs';
import type { Mask, SourceImage } from '../pipeline/image';
import { imageError } from './errors';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

// PNG colour types (ISO/IEC 15948 11.2.2).
const GREY = 0;
const GREY_ALPHA = 4;

export function readPng(bytes: Uint8Array): SourceImage {
  if (!isPng(bytes)) throw imageError('not a PNG file (signature missing)');
  let png: PNGWithMetadata;
  try {
    // 16-bit samples stay 16-bit; pngjs always expands to 4 channels (RGBA).
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true });
  } catch (thrown) {
    throw imageError(`PNG file is corrupt or truncated (${thrown instanceof Error ? thrown.message : String(thrown)})`);
  }
  const { width, height, depth, colorType } = png;
  const rgba = png.data as unknown as ArrayLike<number>; // Buffer for <= 8 bits, Uint16Array for 16 bits
  const grey = colorType === GREY || colorType === GREY_ALPHA;
  const wide = depth === 16;
  // skipRescale also keeps 1/2/4-bit grey as 0..2^depth-1: scale those to 0..255 (palettes are 8-bit already).
  const scale = depth < 8 && !png.palette ? 255 / (2 ** depth - 1) : 1;
  const pixels = width * height;
  const channels = grey ? 1 : 3;
  const out = wide ? new Uint16Array(pixels * channels) : new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = Math.round(rgba[p * 4 + c] * scale);
  }
  return {
    rows: height,
    columns: width,
    samplesPerPixel: grey ? 1 : 3,
    pixels: out,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    modality: 'OT',
    // 16-bit PNGs are not what MedSAM reads as pictures: they keep the percentile rule.
    eightBitFile: !wide,
  };
}

export function writeMaskPng(mask: Mask): Uint8Array {
  const { rows, columns, data } = mask;
  if (!(rows > 0 && columns > 0) || data.length !== rows * columns) {
    throw new Error(`mask data has ${data.length} values but ${rows}×${columns} needs ${rows * columns}`);
  }
  const format = { colorType: GREY, inputColorType: GREY, inputHasAlpha: false, bitDepth: 8 } as const;
  const png = new PNG({ width: columns, height: rows, ...format });
  const grey = Buffer.alloc(rows * columns);
  for (let i = 0; i < grey.length; i++) grey[i] = data[i] ? 255 : 0;
  png.data = grey;
  return new Uint8Array(PNG.sync.write(png, format));
}
