import type { SourceImage } from './image';
import { CT_WINDOW_PRESETS, normalizeImage, percentileBounds } from './normalize';

const image = (pixels: number[], over: Partial<SourceImage> = {}): SourceImage => ({
  rows: 1,
  columns: pixels.length,
  samplesPerPixel: 1,
  pixels: Int16Array.from(pixels),
  rescaleSlope: 1,
  rescaleIntercept: 0,
  modality: 'CT',
  ...over,
});

describe('normalizeImage', () => {
  it('windows CT in HU after RescaleSlope/Intercept and truncates (hand-checked)', () => {
    // stored 0 → -1024 HU (clipped to -500 → 0); 1274 → 250 HU → 750/1500·255 = 127.5 → 127; 3000 → 255
    const { image: out, record } = normalizeImage(image([0, 1274, 3000], { rescaleIntercept: -1024 }));
    expect(Array.from(out.data)).toEqual([0, 127, 255]);
    expect(record).toEqual({ rule: 'ct-window', lower: -500, upper: 1000, preset: 'medsam-paper' });
  });

  it('offers the journal presets and explicit windows', () => {
    expect(CT_WINDOW_PRESETS['soft-tissue']).toEqual({ lower: -160, upper: 240 });
    expect(CT_WINDOW_PRESETS.lung).toEqual({ lower: -910, upper: 590 });
    expect(CT_WINDOW_PRESETS.brain).toEqual({ lower: 0, upper: 80 });
    expect(CT_WINDOW_PRESETS.bone).toEqual({ lower: -500, upper: 1300 });
    const { image: out } = normalizeImage(image([40, 80]), { kind: 'ct-window', preset: 'brain' });
    expect(Array.from(out.data)).toEqual([127, 255]);
    const explicit = normalizeImage(image([0, 50, 100]), { kind: 'ct-window', window: { lower: 0, upper: 100 } });
    expect(Array.from(explicit.image.data)).toEqual([0, 127, 255]);
    expect(explicit.record).toEqual({ rule: 'ct-window', lower: 0, upper: 100 });
  });

  it('uses percentiles for MR, keeps zeros at 0 and records the image scope', () => {
    const mr = image([0, 10, 20, 30, 40, 0], { modality: 'MR' });
    const { image: out, record } = normalizeImage(mr);
    expect(out.data[0]).toBe(0);
    expect(out.data[5]).toBe(0);
    expect(out.data[4]).toBe(255);
    expect(record).toMatchObject({ rule: 'percentile', scope: 'image' });
  });

  it('uses series bounds when given, so every slice maps alike', () => {
    const a = image([0, 100, 200], { modality: 'MR' });
    const b = image([0, 150, 400], { modality: 'MR' });
    const bounds = percentileBounds([a, b]);
    const outA = normalizeImage(a, { kind: 'percentile', bounds });
    expect(outA.record).toMatchObject({ rule: 'percentile', scope: 'series', lower: bounds.lower, upper: bounds.upper });
    expect(outA.image.data[2]).toBeLessThan(255); // 200 is below the series' upper bound
  });

  it('passes RGB through', () => {
    const rgb: SourceImage = { ...image([]), columns: 2, samplesPerPixel: 3, pixels: Uint8Array.of(1, 2, 3, 250, 251, 252), modality: 'XC' };
    const { image: out, record } = normalizeImage(rgb);
    expect(Array.from(out.data)).toEqual([1, 2, 3, 250, 251, 252]);
    expect(out.channels).toBe(3);
    expect(record).toEqual({ rule: 'rgb' });
  });

  it('leaves 8-bit picture files as they are by default (rule none), grey and RGB', () => {
    const grey = image([0, 3, 128, 255], { pixels: Uint8Array.of(0, 3, 128, 255), modality: 'OT', eightBitFile: true });
    const { image: out, record } = normalizeImage(grey);
    expect(Array.from(out.data)).toEqual([0, 3, 128, 255]);
    expect(record).toEqual({ rule: 'none' });
    // The same values without the mark (e.g. an 8-bit DICOM secondary capture) keep the percentile rule.
    expect(normalizeImage({ ...grey, eightBitFile: undefined }).record).toMatchObject({ rule: 'percentile' });
    const rgb: SourceImage = { ...grey, columns: 2, samplesPerPixel: 3, pixels: Uint8Array.of(1, 2, 3, 4, 5, 6) };
    expect(normalizeImage(rgb).record).toEqual({ rule: 'rgb' });
  });

  it('"none" on request uses stored values as they are and refuses values outside 0–255', () => {
    const { image: out, record } = normalizeImage(image([7, 200], { modality: 'MR' }), { kind: 'none' });
    expect(Array.from(out.data)).toEqual([7, 200]);
    expect(record).toEqual({ rule: 'none' });
    expect(() => normalizeImage(image([7, 1200]), { kind: 'none' })).toThrow(/needs whole numbers from 0 to 255; this image holds 1200/);
    expect(() => normalizeImage(image([-3]), { kind: 'none' })).toThrow(/holds -3/);
  });

  it('refuses inconsistent images and blank MR', () => {
    expect(() => normalizeImage({ ...image([1, 2, 3]), columns: 5 })).toThrow(/claims 1×5×1 samples but holds 3/);
    expect(() => normalizeImage(image([0, 0], { modality: 'MR' }))).toThrow(/no positive voxels/);
    expect(() => normalizeImage(image([1]), { kind: 'ct-window', window: { lower: 5, upper: 5 } })).toThrow(/window \[5, 5\] is empty/);
  });
});
