import { float16ToFloat32, float32ToFloat16 } from './oipFloat16';

const half = (x: number) => float32ToFloat16(Float32Array.of(x))[0];

describe('float32ToFloat16', () => {
  it('encodes the landmarks of IEEE 754 binary16', () => {
    expect(half(0)).toBe(0x0000);
    expect(half(-0)).toBe(0x8000);
    expect(half(1)).toBe(0x3c00);
    expect(half(-2)).toBe(0xc000);
    expect(half(65504)).toBe(0x7bff); // largest finite half
    expect(half(2 ** -14)).toBe(0x0400); // smallest normal
    expect(half(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(half(Infinity)).toBe(0x7c00);
    expect(half(-Infinity)).toBe(0xfc00);
    expect(half(NaN) & 0x7c00).toBe(0x7c00);
    expect(half(NaN) & 0x03ff).not.toBe(0);
  });

  it('rounds to nearest, ties to even, including at the overflow and underflow edges', () => {
    expect(half(1 + 2 ** -11)).toBe(0x3c00); // tie: 1.0 has an even mantissa
    expect(half(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: rounds up to the even neighbour
    expect(half(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(half(65519.99)).toBe(0x7bff);
    expect(half(65520)).toBe(0x7c00); // tie between 65504 and "65536": goes to Inf
    expect(half(1e6)).toBe(0x7c00);
    expect(half(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal: even is 0
    expect(half(2 ** -25 * 1.0001)).toBe(0x0001);
    expect(half(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 subnormal steps: even is 2
    expect(half(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up into the normal range
  });

  it('round-trips every finite half exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(all));
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaN payloads are not preserved
      if (back[h] !== h) throw new Error(`half 0x${h.toString(16)} came back as 0x${back[h].toString(16)}`);
    }
  });

  it('picks the nearest half for random floats (never more than half a step away)', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const values = Float32Array.from({ length: 20000 }, () => (random() - 0.5) * 2 ** (random() * 36 - 20));
    const decoded = float16ToFloat32(float32ToFloat16(values));
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      const h = half(x);
      const up = float16ToFloat32(Uint16Array.of(h + 1))[0];
      const down = float16ToFloat32(Uint16Array.of(Math.max(0, (h & 0x7fff) - 1) | (h & 0x8000)))[0];
      const err = Math.abs(decoded[i] - x);
      expect(err).toBeLessThanOrEqual(Math.abs(up - x));
      expect(err).toBeLessThanOrEqual(Math.abs(down - x));
    }
  });
});
