import { applyBitsStored, storedRange, unpackBits, valuesFromBytes, type SampleFormat } from './pixelValues';

const fmt = (bitsAllocated: number, bitsStored: number, highBit: number, signed: boolean): SampleFormat => ({
  bitsAllocated,
  bitsStored,
  highBit,
  signed,
});

describe('stored values', () => {
  it('sign-extends 12 signed bits in 16 and drops bits above High Bit', () => {
    // 0x0800 is -2048 in 12 bits; 0xF7FF carries junk in the top nibble and is 2047; 0x0FFF is -1
    const values = new Int16Array([0x0800, 0xf7ff - 0x10000, 0x0fff, 0x0005]);
    applyBitsStored(values, fmt(16, 12, 11, true));
    expect(Array.from(values)).toEqual([-2048, 2047, -1, 5]);
  });

  it('masks unsigned values and honours a High Bit that is not Bits Stored - 1', () => {
    const masked = new Uint16Array([0xf123]);
    applyBitsStored(masked, fmt(16, 12, 11, false));
    expect(masked[0]).toBe(0x123);
    const shifted = new Uint16Array([0x1230 | 0x8000]); // 11 bits stored in bits 4..14 (High Bit 14)
    applyBitsStored(shifted, fmt(16, 11, 14, false));
    expect(shifted[0]).toBe((0x9230 >> 4) & 0x7ff);
  });

  it('leaves full-width values untouched', () => {
    const values = new Int16Array([-32768, 32767]);
    applyBitsStored(values, fmt(16, 16, 15, true));
    expect(Array.from(values)).toEqual([-32768, 32767]);
  });

  it('swaps big-endian samples by their size, and 8-bit OW data in pairs', () => {
    const be16 = valuesFromBytes(new Uint8Array([0x01, 0x02, 0xff, 0xfe]), fmt(16, 16, 15, true), true, 'OW');
    expect(Array.from(be16)).toEqual([0x0102, -2]);
    const be32 = valuesFromBytes(new Uint8Array([0, 0, 1, 0]), fmt(32, 32, 31, false), true, 'OW');
    expect(Array.from(be32)).toEqual([256]);
    const ow8 = valuesFromBytes(new Uint8Array([1, 2, 3, 4]), fmt(8, 8, 7, false), true, 'OW');
    expect(Array.from(ow8)).toEqual([2, 1, 4, 3]);
    const ob8 = valuesFromBytes(new Uint8Array([1, 2]), fmt(8, 8, 7, false), true, 'OB');
    expect(Array.from(ob8)).toEqual([1, 2]);
  });

  it('unpacks 1-bit data least significant bit first, from any bit offset', () => {
    expect(Array.from(unpackBits(new Uint8Array([0b10000101, 0b00000001]), 0, 10))).toEqual([1, 0, 1, 0, 0, 0, 0, 1, 1, 0]);
    expect(Array.from(unpackBits(new Uint8Array([0b10000101, 0b00000001]), 7, 3))).toEqual([1, 1, 0]);
  });

  it('gives the stored range', () => {
    expect(storedRange(fmt(16, 12, 11, false))).toEqual([0, 4095]);
    expect(storedRange(fmt(16, 12, 11, true))).toEqual([-2048, 2047]);
    expect(storedRange(fmt(1, 1, 0, false))).toEqual([0, 1]);
  });
});
