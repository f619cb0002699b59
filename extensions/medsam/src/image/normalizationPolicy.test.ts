import type { SourceImage } from '@medsam-ohif/core';
import { NormalizationPolicy, normalizationKind } from './normalizationPolicy';

const image = (modality: string, values: number[], samplesPerPixel: 1 | 3 = 1): SourceImage => ({
  rows: 1,
  columns: values.length / samplesPerPixel,
  samplesPerPixel,
  pixels: Int16Array.from(values),
  rescaleSlope: 1,
  rescaleIntercept: 0,
  modality,
});

describe('NormalizationPolicy', () => {
  it('RGB as is, CT through the configured window', async () => {
    const policy = new NormalizationPolicy('soft-tissue', async () => image('MR', [1]));
    expect(normalizationKind(image('US', [1, 2, 3], 3))).toBe('rgb');
    await expect(policy.specFor(image('CT', [0]), { key: 's', imageIds: ['a'] })).resolves.toEqual({ kind: 'ct-window', preset: 'soft-tissue' });
    const explicit = new NormalizationPolicy({ lower: -100, upper: 100 }, async () => image('CT', [0]));
    await expect(explicit.specFor(image('CT', [0]), { key: 's', imageIds: ['a'] })).resolves.toEqual({ kind: 'ct-window', window: { lower: -100, upper: 100 } });
  });

  it('non-CT: percentile bounds over the whole series, computed once per series', async () => {
    const slices: Record<string, SourceImage> = { a: image('MR', [0, 10, 20]), b: image('MR', [30, 40, 0]) };
    const load = jest.fn(async (id: string) => slices[id]);
    const policy = new NormalizationPolicy('medsam-paper', load);
    const spec = await policy.specFor(slices.a, { key: 'series-1', imageIds: ['a', 'b'] });
    expect(spec.kind).toBe('percentile');
    // non-zero voxels of the series: 10, 20, 30, 40 → numpy percentiles 0.5 / 99.5
    expect(spec).toEqual({ kind: 'percentile', bounds: { lower: 10.15, upper: 39.85 } });
    await policy.specFor(slices.b, { key: 'series-1', imageIds: ['a', 'b'] });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('a configured rule applies to every image: none, ct, percentile', async () => {
    const series = { key: 's', imageIds: ['a'] };
    const load = async () => image('MR', [0, 10, 20]);
    await expect(new NormalizationPolicy('medsam-paper', load, 'none').specFor(image('CT', [0]), series)).resolves.toEqual({ kind: 'none' });
    await expect(new NormalizationPolicy('lung', load, 'ct').specFor(image('MR', [0]), series)).resolves.toEqual({ kind: 'ct-window', preset: 'lung' });
    await expect(new NormalizationPolicy('medsam-paper', load, 'percentile').specFor(image('CT', [0]), series)).resolves.toMatchObject({ kind: 'percentile', bounds: {} });
  });

  it('forgets a failed series computation so that it can be retried', async () => {
    let fail = true;
    const policy = new NormalizationPolicy('medsam-paper', async () => {
      if (fail) throw new Error('network');
      return image('MR', [5, 6]);
    });
    await expect(policy.specFor(image('MR', [1]), { key: 's', imageIds: ['a'] })).rejects.toThrow('network');
    fail = false;
    await expect(policy.specFor(image('MR', [1]), { key: 's', imageIds: ['a'] })).resolves.toMatchObject({ kind: 'percentile' });
  });
});
