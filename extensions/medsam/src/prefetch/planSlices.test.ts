import { describeRanges, planSlices } from './planSlices';

describe('planSlices', () => {
  it('orders the shown slice and k on each side by distance, forward first, inside the series', () => {
    expect(planSlices(10, 40, 2)).toEqual([10, 11, 9, 12, 8]);
    expect(planSlices(0, 40, 2)).toEqual([0, 1, 2]);
    expect(planSlices(39, 40, 1)).toEqual([39, 38]);
    expect(planSlices(3, 40, 0)).toEqual([3]);
    expect(planSlices(-1, 40, 2)).toEqual([]);
  });

  it('describes positions as 1-based ranges', () => {
    expect(describeRanges([12, 11, 13, 20])).toBe('12–14, 21');
    expect(describeRanges([])).toBe('');
  });
});
