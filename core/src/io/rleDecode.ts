/**
 * DICOM RLE Lossless (PS3.5 Annex G). A frame is a 64-byte header (segment count, then up to 15 segment
 * offsets, uint32 little endian) followed by PackBits segments: one per byte of each sample, for each
 * sample in turn, most significant byte first. The result is native little-endian bytes, pixel-interleaved,
 * ready for the same handling as uncompressed data.
 */
import { imageError } from './errors';

export interface RleFrameLayout {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  /** 8, 16 or 32. */
  readonly bitsAllocated: number;
}

interface SegmentTarget {
  readonly out: Uint8Array;
  /** Output positions start, start + step, ..., `capacity` of them. */
  readonly start: number;
  readonly step: number;
  readonly capacity: number;
}

/** Decodes one PackBits segment, data[begin, end), into its target; returns the count written. */
function unpackSegment(data: Uint8Array, begin: number, end: number, target: SegmentTarget): number {
  const { out, start, step, capacity } = target;
  let written = 0;
  let pos = begin;
  while (pos < end && written < capacity) {
    const header = data[pos++];
    if (header < 128) {
      const n = Math.min(header + 1, end - pos, capacity - written); // literal run of header + 1 bytes
      for (let i = 0; i < n; i++) out[start + (written + i) * step] = data[pos + i];
      pos += header + 1;
      written += n;
    } else if (header > 128) {
      const n = Math.min(257 - header, capacity - written); // the next byte repeated 257 - header times
      const value = data[pos++];
      for (let i = 0; i < n; i++) out[start + (written + i) * step] = value;
      written += n;
    } // 128: no operation
  }
  return written;
}

export function decodeRleFrame(frame: Uint8Array, layout: RleFrameLayout): Uint8Array {
  const { rows, columns, samplesPerPixel, bitsAllocated } = layout;
  if (bitsAllocated % 8 !== 0) throw imageError(`RLE with Bits Allocated ${bitsAllocated} is not supported`);
  const bytesPerSample = bitsAllocated / 8;
  const pixels = rows * columns;
  const segmentsNeeded = samplesPerPixel * bytesPerSample;
  if (frame.length < 64) throw imageError(`RLE frame is ${frame.length} bytes, shorter than its 64-byte header`);
  const header = new DataView(frame.buffer, frame.byteOffset, 64);
  const segmentCount = header.getUint32(0, true);
  if (segmentCount !== segmentsNeeded) {
    throw imageError(
      `RLE frame has ${segmentCount} segments, expected ${segmentsNeeded} ` +
        `(${samplesPerPixel} samples × ${bytesPerSample} bytes)`,
    );
  }
  const offsets: number[] = [];
  for (let s = 0; s < segmentCount; s++) offsets.push(header.getUint32(4 + 4 * s, true));
  offsets.push(frame.length);
  const out = new Uint8Array(pixels * segmentsNeeded);
  const stride = segmentsNeeded; // bytes per pixel in the interleaved output
  for (let s = 0; s < segmentCount; s++) {
    const sample = Math.floor(s / bytesPerSample);
    const byteOfSample = bytesPerSample - 1 - (s % bytesPerSample); // segments go MSB first; output is LE
    const begin = offsets[s];
    const end = Math.min(offsets[s + 1], frame.length);
    if (begin < 64 || begin > end) throw imageError(`RLE segment ${s + 1} has an invalid offset ${begin}`);
    const start = sample * bytesPerSample + byteOfSample;
    const written = unpackSegment(frame, begin, end, { out, start, step: stride, capacity: pixels });
    if (written < pixels) {
      throw imageError(`RLE segment ${s + 1} decodes to ${written} bytes, expected ${pixels}: the data is truncated`);
    }
  }
  return out;
}
