import { percentiles } from './percentile';
import { readJsonFixture } from '../../../test/support/fixtures';

interface Case {
  name: string;
  values: number[];
  p0_5: number;
  p99_5: number;
}

describe('percentiles (numpy "linear")', () => {
  const { percentiles: cases } = readJsonFixture<{ percentiles: Case[] }>('pipeline', 'index.json');

  it.each(cases.map((c) => [c.name, c] as const))('matches numpy for %s', (_name, c) => {
    const nonZero = c.values.filter((v) => v !== 0);
    const [lo, hi] = percentiles(nonZero, [0.5, 99.5]);
    expect(lo).toBeCloseTo(c.p0_5, 9);
    expect(hi).toBeCloseTo(c.p99_5, 9);
  });

  it('interpolates between order statistics (hand-checked)', () => {
    // ranks 0..3 over [10, 20, 30, 40]: p50 → rank 1.5 → 25; p0 → 10; p100 → 40
    expect(percentiles([40, 10, 30, 20], [0, 50, 100])).toEqual([10, 25, 40]);
    expect(percentiles([1.5, 0.5], [50])).toEqual([1]);
  });

  it('refuses an empty set', () => {
    expect(() => percentiles([], [50])).toThrow(/empty/);
  });
});
