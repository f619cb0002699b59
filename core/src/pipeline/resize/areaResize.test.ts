import { compareU8, readU8, referenceIndex } from '../../../../test/fixtures/reference/referenceFixtures';
import { resizeArea } from './areaResize';
import { cvRound } from './cvRound';

describe('resizeArea: parity with cv2.resize(INTER_AREA), OpenCV 4.6', () => {
  const cases = referenceIndex().images.flatMap((image) => image.cv2Area.map((output) => ({ image, output })));
  it.each(cases.map((c) => [`${c.image.name} ${c.image.rows}x${c.image.columns}x${c.image.channels} -> ${c.output.rows}x${c.output.columns}`, c] as const))(
    '%s',
    (_label, { image, output }) => {
      const got = resizeArea(readU8(image.input), image.rows, image.columns, image.channels, output.rows, output.columns);
      expect(compareU8(got, readU8(output.file))).toEqual({ maxDiff: 0, offByOne: 0 });
    },
  );
});

describe('resizeArea: hand-computed cases', () => {
  it('rounds 2x2 block means half up, as OpenCV\'s (sum + 2) >> 2 does', () => {
    expect(Array.from(resizeArea(new Uint8Array([1, 2, 1, 2]), 2, 2, 1, 1, 1))).toEqual([2]); // 1.5 -> 2
    expect(Array.from(resizeArea(new Uint8Array([0, 0, 1, 1]), 2, 2, 1, 1, 1))).toEqual([1]); // 0.5 -> 1
  });

  it('rounds other integer block means half to even (cvRound of a float)', () => {
    const block = (ones: number, v: number) => new Uint8Array(16).map((_, i) => (i < ones ? v : 0));
    expect(Array.from(resizeArea(block(8, 5), 4, 4, 1, 1, 1))).toEqual([2]); // 2.5 -> 2
    expect(Array.from(resizeArea(block(8, 7), 4, 4, 1, 1, 1))).toEqual([4]); // 3.5 -> 4
  });

  it('averages fractional pixel areas when shrinking by a non-integer factor', () => {
    // 3 -> 2: out0 = (2a + b)/3, out1 = (b + 2c)/3.
    expect(Array.from(resizeArea(new Uint8Array([0, 3, 30]), 1, 3, 1, 1, 2))).toEqual([1, 21]);
    expect(Array.from(resizeArea(new Uint8Array([1, 2, 4]), 1, 3, 1, 1, 2))).toEqual([1, 3]);
    expect(Array.from(resizeArea(new Uint8Array([0, 3, 30]), 3, 1, 1, 2, 1))).toEqual([1, 21]);
  });

  it('does not area-average when enlarging: integer factors replicate, others blend by overlap', () => {
    expect(Array.from(resizeArea(new Uint8Array([0, 200]), 1, 2, 1, 1, 4))).toEqual([0, 0, 200, 200]);
    expect(Array.from(resizeArea(new Uint8Array([0, 200]), 1, 2, 1, 1, 3))).toEqual([0, 100, 200]);
    expect(Array.from(resizeArea(new Uint8Array([0, 200]), 2, 1, 1, 3, 1))).toEqual([0, 100, 200]);
  });

  it('keeps constants constant and copies same-size images', () => {
    const flat = new Uint8Array(5 * 7 * 3).fill(77);
    for (const [r, c] of [
      [13, 3],
      [2, 2],
      [3, 5],
      [10, 14],
    ]) {
      expect(new Set(resizeArea(flat, 5, 7, 3, r, c))).toEqual(new Set([77]));
    }
    const src = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const same = resizeArea(src, 2, 3, 1, 2, 3);
    expect(Array.from(same)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(same).not.toBe(src);
  });

  it('refuses inconsistent shapes', () => {
    expect(() => resizeArea(new Uint8Array(5), 2, 3, 1, 1, 1)).toThrow(/5 samples do not make a 2x3x1 image/);
  });
});

describe('cvRound', () => {
  it('rounds ties to even', () => {
    expect([0.5, 1.5, 2.5, 3.5, -1.5, 2.4999, 2.5001].map(cvRound)).toEqual([0, 2, 2, 4, -2, 2, 3]);
  });
});
