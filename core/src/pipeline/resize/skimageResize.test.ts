import { compareU8, readRank3, readU8, referenceIndex } from '../../../../test/fixtures/reference/referenceFixtures';
import { resizeLikeSkimage } from './skimageResize';
import { truncateToUint8 } from './toUint8';

const index = referenceIndex();
const parity: string[] = [];
afterAll(() => console.log(`skimage parity (max diff, pixels off by 1):\n${parity.join('\n')}`));

describe('resizeLikeSkimage: parity with skimage.transform.resize(order=3, anti_aliasing=True)', () => {
  const cases = index.images.flatMap((image) => image.skimage.map((output) => ({ image, output })));

  it.each(cases.map((c) => [`${c.image.name} ${c.image.rows}x${c.image.columns}x${c.image.channels} -> ${c.output.rows}x${c.output.columns}`, c] as const))(
    '%s',
    (_label, { image, output }) => {
      const input = readU8(image.input);
      const got = truncateToUint8(resizeLikeSkimage(input, image.rows, image.columns, image.channels, output.rows, output.columns));
      const { maxDiff, offByOne } = compareU8(got, readU8(output.file));
      parity.push(`  ${image.name} -> ${output.rows}x${output.columns}: ${maxDiff}, ${offByOne}`);
      const shrinks = output.rows < image.rows || output.columns < image.columns;
      if (!shrinks) {
        // No Gaussian involved: every operation is reproduced bit for bit.
        expect({ maxDiff, offByOne }).toEqual({ maxDiff: 0, offByOne: 0 });
      } else {
        // The anti-aliasing kernel uses numpy's exp, which on AVX-512 machines is Intel SVML's (1 ulp from
        // libm and from V8) and can flip a truncation on flat plateaus.
        expect(maxDiff).toBeLessThanOrEqual(1);
        expect(offByOne).toBeLessThanOrEqual(got.length * 0.005);
      }
    },
  );

  const real = index.images.filter((i) => i.kind === 'real');
  it.each(real.map((i) => [i.name, i] as const))('%s: grey replicated to 3 channels (MedSAM_Inference.py) is exact', (_n, image) => {
    const grey = readU8(image.input);
    const rgb = new Uint8Array(grey.length * 3);
    for (let i = 0; i < grey.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
    const output = image.skimage[0];
    const got = truncateToUint8(resizeLikeSkimage(rgb, image.rows, image.columns, 3, output.rows, output.columns));
    expect(compareU8(got, readRank3(output))).toEqual({ maxDiff: 0, offByOne: 0 });
  });

  it('sees the rank-3 rounding differences on the J2K CT (the fixture would catch a rank-2 shortcut)', () => {
    const ct = real.find((i) => i.name === 'ct_693_j2k');
    expect(ct?.skimage[0].rank3ReplicatedDiffPixelsPerChannel?.every((n) => n > 100)).toBe(true);
  });
});

describe('resizeLikeSkimage: hand-checkable cases', () => {
  it('keeps a constant image constant, up and down', () => {
    const flat = new Uint8Array(30 * 20).fill(200);
    for (const [r, c] of [
      [77, 13],
      [7, 5],
      [30, 20],
    ]) {
      expect(new Set(resizeLikeSkimage(flat, 30, 20, 1, r, c))).toEqual(new Set([200]));
    }
  });

  it('interpolates with the prefiltered, mirrored cubic B-spline (not Keys bicubic)', () => {
    // Mirrored, [0, 0, 96] repeats as 0 0 96 0 | 0 0 96 0; its B-spline coefficients are 24, −48, 168, −48.
    // 3 -> 6 samples at −0.25, 0.25, 0.75, 1.25, 1.75, 2.25 with weights (27, 235, 121, 1)/384 at x = 0.25:
    // −3.375, −3.375, −10.125 (clipped to 0), 25.125, 84.375, 84.375. Keys (a = −0.5) would give 21.75 at 1.25.
    const expected = [0, 0, 0, 25.125, 84.375, 84.375];
    const row = resizeLikeSkimage(new Uint8Array([0, 0, 96]), 1, 3, 1, 1, 6);
    const column = resizeLikeSkimage(new Uint8Array([0, 0, 96]), 3, 1, 1, 6, 1);
    expected.forEach((v, i) => {
      expect(row[i]).toBeCloseTo(v, 10);
      expect(column[i]).toBeCloseTo(v, 10);
    });
    // A 1-pixel axis stays constant along itself.
    const tall = resizeLikeSkimage(new Uint8Array([0, 0, 96]), 1, 3, 1, 4, 6);
    for (let r = 0; r < 4; r++) expected.forEach((v, i) => expect(tall[r * 6 + i]).toBeCloseTo(v, 10));
  });

  it('samples at the knots when the size does not change, but skimage is still not the identity after uint8', () => {
    const image = index.images.find((i) => i.name === 'phantom_300x200');
    if (!image) throw new Error('phantom fixture missing');
    const input = readU8(image.input);
    const resized = resizeLikeSkimage(input, 300, 200, 1, 300, 200);
    let maxError = 0;
    for (let i = 0; i < input.length; i++) maxError = Math.max(maxError, Math.abs(resized[i] - input[i]));
    expect(maxError).toBeLessThan(1e-9);
    // ...yet values like 254.99999999999997 truncate to 254: the reference has the same 1-level dips.
    const truncated = truncateToUint8(resized);
    const same = image.skimage.find((o) => o.rows === 300 && o.columns === 200);
    if (!same) throw new Error('300x200 output missing');
    expect(compareU8(truncated, readU8(same.file)).maxDiff).toBe(0);
    expect(compareU8(truncated, input)).toEqual({ maxDiff: 1, offByOne: expect.any(Number) });
  });

  it('clips to the input range', () => {
    const step = new Uint8Array(16 * 16).map((_, i) => (i % 16 < 8 ? 10 : 250));
    const out = resizeLikeSkimage(step, 16, 16, 1, 50, 41);
    expect(Math.min(...out)).toBe(10);
    expect(Math.max(...out)).toBe(250);
  });

  it('refuses inconsistent shapes', () => {
    expect(() => resizeLikeSkimage(new Uint8Array(5), 2, 3, 1, 4, 4)).toThrow(/5 samples do not make a 2x3x1 image/);
    expect(() => resizeLikeSkimage(new Uint8Array(6), 2, 3, 1, 0, 4)).toThrow(/outRows must be a positive integer/);
  });

  it('resizes 512x512 grey to 1024x1024 quickly', () => {
    const src = new Uint8Array(512 * 512).map((_, i) => (i * 7919) % 256);
    resizeLikeSkimage(src, 512, 512, 1, 1024, 1024); // warm-up (JIT)
    const t0 = performance.now();
    resizeLikeSkimage(src, 512, 512, 1, 1024, 1024);
    const ms = performance.now() - t0;
    console.log(`resizeLikeSkimage 512x512 -> 1024x1024 grey: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(2000); // generous: the point is catching per-pixel allocation, not benchmarking
  });
});

describe('truncateToUint8', () => {
  it('truncates like numpy astype(np.uint8)', () => {
    expect(Array.from(truncateToUint8([0, 0.999, 1, 254.9999999, 255, 127.5]))).toEqual([0, 0, 1, 254, 255, 127]);
  });
});
