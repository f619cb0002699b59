import { decodeRleFrame } from './rleDecode';

function rleFrame(segments: number[][]): Uint8Array {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    offset += segment.length;
  });
  const out = new Uint8Array(offset);
  out.set(header);
  let at = 64;
  for (const segment of segments) {
    out.set(segment, at);
    at += segment.length;
  }
  return out;
}

describe('decodeRleFrame', () => {
  it('decodes literal and replicate runs, 16-bit samples high byte first, to little-endian bytes', () => {
    // 2×2, 16-bit: high bytes [1, 1, 1, 2] (replicate 3 × 1, then literal 2); low bytes literal [10, 11, 12, 13]
    const frame = rleFrame([
      [0xfe, 1, 0x00, 2],
      [0x03, 10, 11, 12, 13],
    ]);
    const bytes = decodeRleFrame(frame, { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 16 });
    expect(Array.from(new Uint16Array(bytes.buffer))).toEqual([0x010a, 0x010b, 0x010c, 0x020d]);
  });

  it('interleaves the per-sample segments of RGB and skips no-op headers (-128)', () => {
    const frame = rleFrame([[0x80, 0x01, 255, 0], [0xff, 7], [0x01, 1, 2]]);
    const bytes = decodeRleFrame(frame, { rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8 });
    expect(Array.from(bytes)).toEqual([255, 7, 1, 0, 7, 2]);
  });

  it('refuses frames with the wrong segment count or too little data', () => {
    expect(() => decodeRleFrame(rleFrame([[0x00, 1]]), { rows: 1, columns: 1, samplesPerPixel: 1, bitsAllocated: 16 })).toThrow(
      'RLE frame has 1 segments, expected 2 (1 samples × 2 bytes)',
    );
    expect(() => decodeRleFrame(rleFrame([[0x00, 1]]), { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 8 })).toThrow(
      'RLE segment 1 decodes to 1 bytes, expected 4: the data is truncated',
    );
  });
});
