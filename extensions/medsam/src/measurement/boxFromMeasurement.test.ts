import { boxFromMeasurement, measurementMargin } from './boxFromMeasurement';

describe('boxFromMeasurement', () => {
  it('Bidirectional: the box of both axes, grown by a tenth of its longer side', () => {
    // long axis 40 px wide, short axis 20 px tall, crossing
    const box = boxFromMeasurement('Bidirectional', [[100, 120], [140, 120], [120, 110], [120, 130]]);
    expect(box).toEqual({ x0: 96, y0: 106, x1: 144, y1: 134 });
  });

  it('Length: a square on the diameter, at least 3 px of margin', () => {
    const box = boxFromMeasurement('Length', [[10, 10], [16, 18]]); // length 10, midpoint (13, 14)
    expect(box).toEqual({ x0: 5, y0: 6, x1: 21, y1: 22 });
  });

  it('RectangleROI: its corners as drawn', () => {
    expect(boxFromMeasurement('RectangleROI', [[50, 60], [90, 60], [50, 100], [90, 100]])).toEqual({ x0: 50, y0: 60, x1: 90, y1: 100 });
    expect(measurementMargin('RectangleROI', 40, 40)).toBe(0);
  });

  it('refuses a measurement without two points', () => {
    expect(() => boxFromMeasurement('Length', [[1, 1]])).toThrow(/at least 2 points/);
  });
});
