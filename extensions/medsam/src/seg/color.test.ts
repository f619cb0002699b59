import { dicomLabToRgb, rgbToDicomLab } from './color';

describe('RecommendedDisplayCIELabValue', () => {
  it('maps black, white and sRGB primaries to the known CIELab values', () => {
    expect(rgbToDicomLab([0, 0, 0])).toEqual([0, 32896, 32896]);
    const white = rgbToDicomLab([255, 255, 255]);
    expect(white[0]).toBeGreaterThan(65500);
    expect(Math.abs(white[1] - 32896)).toBeLessThan(20);
    // sRGB red is about L 53.2, a 80.1, b 67.2.
    const [L, a, b] = rgbToDicomLab([255, 0, 0]);
    expect((L * 100) / 65535).toBeCloseTo(53.2, 0);
    expect((a * 255) / 65535 - 128).toBeCloseTo(80.1, 0);
    expect((b * 255) / 65535 - 128).toBeCloseTo(67.2, 0);
  });

  it('round-trips colours to within one step', () => {
    for (const rgb of [[221, 130, 101], [0, 255, 0], [12, 34, 200], [128, 128, 128]] as const) {
      const back = dicomLabToRgb(rgbToDicomLab(rgb));
      back.forEach((c, i) => expect(Math.abs(c - rgb[i])).toBeLessThanOrEqual(1));
    }
  });
});
