import { rangeBand } from './rangeBand';

describe('rangeBand', () => {
  it('covers the steps of the marked images, in either order', () => {
    expect(rangeBand(10, 19, 40)).toEqual({ top: 0.25, height: 0.25 });
    expect(rangeBand(19, 10, 40)).toEqual({ top: 0.25, height: 0.25 });
    expect(rangeBand(0, 39, 40)).toEqual({ top: 0, height: 1 });
  });

  it('one mark is one image; no mark, a mark outside the series or a single image shows nothing', () => {
    expect(rangeBand(5, null, 10)).toEqual({ top: 0.5, height: 0.1 });
    expect(rangeBand(null, null, 10)).toBeNull();
    expect(rangeBand(12, null, 10)).toBeNull();
    expect(rangeBand(0, 0, 1)).toBeNull();
  });
});
