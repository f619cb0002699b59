/**
 * Stored DICOM pixel values: typed containers chosen by Bits Allocated and Pixel Representation, byte
 * order, Bits Stored / High Bit masking with sign extension, and 1-bit unpacking.
 * Typed-array views assume a little-endian host (x86-64, arm64), as Node on every supported platform is.
 */
import { imageError } from './errors';

export type IntegerArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface SampleFormat {
  /** 1, 8, 16 or 32. */
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  /** Pixel Representation 1: two's complement. */
  readonly signed: boolean;
}

export function checkSampleFormat(format: SampleFormat): void {
  const { bitsAllocated, bitsStored, highBit } = format;
  if (![1, 8, 16, 32].includes(bitsAllocated)) {
    throw imageError(`Bits Allocated ${bitsAllocated} is not supported (only 1, 8, 16 and 32)`);
  }
  if (!(bitsStored >= 1 && bitsStored <= bitsAllocated) || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw imageError(
      `inconsistent pixel format: Bits Allocated ${bitsAllocated}, Bits Stored ${bitsStored}, High Bit ${highBit}`,
    );
  }
}

export function allocateContainer(format: SampleFormat, length: number): IntegerArray {
  switch (format.bitsAllocated) {
    case 1:
    case 8:
      return format.signed ? new Int8Array(length) : new Uint8Array(length);
    case 16:
      return format.signed ? new Int16Array(length) : new Uint16Array(length);
    default:
      return format.signed ? new Int32Array(length) : new Uint32Array(length);
  }
}

/**
 * Copies native pixel bytes into the container type. Big-endian data is swapped per sample; 8-bit data in
 * an OW element of a big-endian file is stored as swapped 16-bit words, so it is swapped in pairs.
 */
export function valuesFromBytes(
  bytes: Uint8Array,
  format: SampleFormat,
  bigEndian: boolean,
  pixelDataVr: string,
): IntegerArray {
  const copy = new Uint8Array(bytes); // a real copy even for a Node Buffer, whose slice() is a view
  const bytesPerSample = format.bitsAllocated / 8;
  const swapUnit = bigEndian ? (bytesPerSample === 1 && pixelDataVr === 'OW' ? 2 : bytesPerSample) : 1;
  if (swapUnit > 1) {
    for (let i = 0; i + swapUnit <= copy.length; i += swapUnit) copy.subarray(i, i + swapUnit).reverse();
  }
  const length = copy.length / bytesPerSample;
  const container = allocateContainer(format, 0);
  const Ctor = container.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => IntegerArray;
  return new Ctor(copy.buffer, 0, length);
}

/** Bits Allocated 1: unpacks `count` bits starting at bit `bitOffset` (least significant bit first). */
export function unpackBits(bytes: Uint8Array, bitOffset: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = bitOffset + i;
    out[i] = (bytes[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}

/**
 * Keeps only the Bits Stored bits ending at High Bit, in place, and sign-extends them when the pixel
 * representation is signed. A no-op when the stored bits fill the container.
 */
export function applyBitsStored(values: IntegerArray, format: SampleFormat): void {
  const { bitsAllocated, bitsStored, highBit, signed } = format;
  if (bitsAllocated === 1 || (bitsStored === bitsAllocated && highBit === bitsStored - 1)) return;
  const shift = highBit + 1 - bitsStored;
  const range = 2 ** bitsStored;
  const half = range / 2;
  for (let i = 0; i < values.length; i++) {
    let v = Math.floor((values[i] >>> 0) / 2 ** shift) % range; // unsigned view of the container bits
    if (signed && v >= half) v -= range;
    values[i] = v;
  }
}

/** The stored-value range of the format, e.g. [-2048, 2047] for 12 signed bits. */
export function storedRange(format: SampleFormat): readonly [number, number] {
  const bits = format.bitsAllocated === 1 ? 1 : format.bitsStored;
  return format.signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
}

/** Copies values of any typed array into the container type of `format` (decoded codec output). */
export function toContainer(source: ArrayLike<number>, format: SampleFormat): IntegerArray {
  const out = allocateContainer(format, source.length);
  for (let i = 0; i < source.length; i++) out[i] = source[i];
  return out;
}
