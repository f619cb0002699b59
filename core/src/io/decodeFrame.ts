/**
 * Turns one frame of Pixel Data into stored values: grey, or interleaved RGB for 3 samples, in the
 * container type of Bits Allocated / Pixel Representation, with Bits Stored applied.
 */
import { decodeWithCodec, type DecodedFrame } from './codecDecode';
import type { CodecName } from './wasmCodecs';
import { planarToInterleaved, ybrFull422ToRgb, ybrFullToRgbInPlace } from './colour';
import type { PixelModule } from './dicomInfo';
import { imageError } from './errors';
import { markUntransformedRgb } from './jpegColour';
import { encapsulatedFrame, nativePixelBytes } from './pixelFrames';
import { applyBitsStored, toContainer, unpackBits, valuesFromBytes, type IntegerArray } from './pixelValues';
import { decodeRleFrame } from './rleDecode';
import type { PixelEncoding } from './transferSyntax';

export interface FrameSource {
  readonly items: readonly unknown[];
  readonly pixel: PixelModule;
  readonly encoding: Exclude<PixelEncoding, 'unsupported'>;
  readonly pixelDataVr?: string;
}

/** YBR_FULL samples (not subsampled) become RGB; other photometric values are used as they are. */
function toRgbIfYbr(values: IntegerArray, pixel: PixelModule): IntegerArray {
  if (pixel.samplesPerPixel !== 3 || pixel.photometricInterpretation !== 'YBR_FULL') return values;
  if (!(values instanceof Uint8Array)) {
    throw imageError(`YBR_FULL with ${pixel.bitsAllocated}-bit samples is not supported (only 8-bit)`);
  }
  ybrFullToRgbInPlace(values);
  return values;
}

function truncated(need: number, have: number, frame: number): Error {
  return imageError(`pixel data is truncated: frame ${frame} needs bytes up to ${need}, the file has ${have}`);
}

function decodeNative(source: FrameSource, frame: number): IntegerArray {
  const { pixel } = source;
  const bytes = nativePixelBytes(source.items);
  const samples = pixel.rows * pixel.columns * pixel.samplesPerPixel;
  if (pixel.bitsAllocated === 1) {
    const end = Math.ceil(((frame + 1) * samples) / 8);
    if (bytes.length < end) throw truncated(end, bytes.length, frame);
    return unpackBits(bytes, frame * samples, samples);
  }
  if (pixel.samplesPerPixel === 3 && pixel.photometricInterpretation === 'YBR_FULL_422' && pixel.bitsAllocated === 8) {
    const frameBytes = Math.ceil(pixel.columns / 2) * 4 * pixel.rows;
    const start = frame * frameBytes;
    if (bytes.length < start + frameBytes) throw truncated(start + frameBytes, bytes.length, frame);
    return ybrFull422ToRgb(bytes.subarray(start, start + frameBytes), pixel.rows, pixel.columns);
  }
  const frameBytes = (samples * pixel.bitsAllocated) / 8;
  const start = frame * frameBytes;
  if (bytes.length < start + frameBytes) throw truncated(start + frameBytes, bytes.length, frame);
  const bigEndian = source.encoding === 'native-big';
  let values = valuesFromBytes(bytes.subarray(start, start + frameBytes), pixel, bigEndian, source.pixelDataVr ?? 'OW');
  applyBitsStored(values, pixel);
  if (pixel.samplesPerPixel === 3 && pixel.planarConfiguration === 1) {
    values = planarToInterleaved(values, pixel.rows * pixel.columns);
  }
  return toRgbIfYbr(values, pixel);
}

function decodeRle(source: FrameSource, frame: number): IntegerArray {
  const { pixel } = source;
  const encoded = encapsulatedFrame(source.items, pixel.numberOfFrames, frame);
  const bytes = decodeRleFrame(encoded, pixel);
  const values = valuesFromBytes(bytes, pixel, false, 'OB');
  applyBitsStored(values, pixel);
  return toRgbIfYbr(values, pixel);
}

const CODECS: Readonly<Record<'jpeg2000' | 'jpeg-ls' | 'jpeg-baseline', CodecName>> = {
  jpeg2000: 'openjpeg',
  'jpeg-ls': 'charls',
  'jpeg-baseline': 'libjpeg-turbo',
};

function checkDecodedShape(decoded: DecodedFrame, pixel: PixelModule): void {
  const { width, height, components } = decoded;
  if (width !== pixel.columns || height !== pixel.rows || components !== pixel.samplesPerPixel) {
    throw imageError(
      `compressed frame is ${width}×${height} with ${components} components, but the ` +
        `DICOM header says ${pixel.columns}×${pixel.rows} with ${pixel.samplesPerPixel}`,
    );
  }
}

function decodeCompressed(source: FrameSource & { encoding: keyof typeof CODECS }, frame: number): IntegerArray {
  const { pixel } = source;
  let encoded = encapsulatedFrame(source.items, pixel.numberOfFrames, frame);
  if (source.encoding === 'jpeg-baseline') encoded = markUntransformedRgb(encoded, pixel.photometricInterpretation);
  const decoded = decodeWithCodec(CODECS[source.encoding], encoded);
  checkDecodedShape(decoded, pixel);
  // The codestream's own sign and precision may disagree with the header (e.g. an unsigned 13-bit
  // codestream under Pixel Representation 1): the header wins, as in pydicom and GDCM.
  const values = toContainer(decoded.values, pixel);
  applyBitsStored(values, pixel);
  // OpenJPEG undoes the JPEG 2000 colour transform (YBR_RCT / YBR_ICT) and libjpeg-turbo converts YCbCr
  // to RGB, so their colour output is RGB already; JPEG-LS has no colour transform.
  return source.encoding === 'jpeg-ls' ? toRgbIfYbr(values, pixel) : values;
}

export function decodeFrame(source: FrameSource, frame: number): IntegerArray {
  switch (source.encoding) {
    case 'native-little':
    case 'native-big':
      return decodeNative(source, frame);
    case 'rle':
      return decodeRle(source, frame);
    default:
      return decodeCompressed({ ...source, encoding: source.encoding }, frame);
  }
}
