import { concatBytes, packBits, unpackBitsFrame, valuesPresent } from './pixels';

describe('1-bit packing', () => {
  it('packs least significant bit first and frames back to back', () => {
    // 2 frames of 2×3: frame 2 starts at bit 6, inside the first byte.
    const a = Uint8Array.from([1, 0, 0, 0, 0, 1]);
    const b = Uint8Array.from([1, 1, 0, 0, 0, 1]);
    const packed = packBits([{ layers: [a], segment: 1 }, { layers: [b], segment: 1 }], 6);
    expect(Array.from(packed)).toEqual([0b11100001, 0b00001000]);
    expect(Array.from(unpackBitsFrame(packed, 0, 6))).toEqual(Array.from(a));
    expect(Array.from(unpackBitsFrame(packed, 1, 6))).toEqual(Array.from(b));
  });

  it('round-trips random frames of awkward sizes and pads to an even length', () => {
    for (const length of [1, 7, 8, 9, 110, 121, 256]) {
      const frames = Array.from({ length: 5 }, () => Uint8Array.from({ length }, () => (Math.random() < 0.3 ? 1 : 0)));
      const packed = packBits(frames.map((labels) => ({ layers: [labels], segment: 1 })), length);
      expect(packed.length % 2).toBe(0);
      expect(packed.length).toBe(Math.ceil((5 * length) / 8) + (Math.ceil((5 * length) / 8) % 2));
      frames.forEach((f, i) => expect(Array.from(unpackBitsFrame(packed, i, length))).toEqual(Array.from(f)));
    }
  });

  it('refuses to read past the data', () => {
    expect(() => unpackBitsFrame(new Uint8Array(2), 2, 8)).toThrow(RangeError);
  });
});

describe('label maps', () => {
  it('packs only the chosen segment, and an empty label map as background', () => {
    const labels = Uint8Array.from([0, 1, 2, 2, 1, 0, 2, 0]);
    expect(Array.from(packBits([{ layers: [labels], segment: 2 }], 8))).toEqual([0b01001100, 0]);
    expect(Array.from(packBits([{ layers: [new Uint8Array(0)], segment: 1 }, { layers: [labels], segment: 1 }], 8))).toEqual([0, 0b00010010]);
  });

  it('packs a segment from every layer of a frame (overlapping segments)', () => {
    const organ = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
    const lesion = Uint8Array.from([0, 0, 2, 2, 0, 0, 0, 0]);
    expect(Array.from(packBits([{ layers: [organ, lesion], segment: 1 }, { layers: [organ, lesion], segment: 2 }], 8))).toEqual([0b00001111, 0b00001100]);
  });

  it('lists the segment values present', () => {
    expect([...valuesPresent(Uint8Array.from([0, 3, 3, 1, 0]))]).toEqual([1, 3]);
    expect(valuesPresent(new Uint8Array(4)).size).toBe(0);
  });

  it('concatenates 8-bit frames with even padding', () => {
    expect(Array.from(concatBytes([Uint8Array.from([1, 2, 3]), new Uint8Array(0)], 3))).toEqual([1, 2, 3, 0, 0, 0]);
    expect(concatBytes([Uint8Array.from([1, 2, 3])], 3)).toHaveLength(4);
  });
});
