import { boxFromWorldCorners, isAcquisitionPlane } from './boxGeometry';

/** An axial image: 0.5 mm pixels, origin (-10, -20, 30), slice k at z = 30 + 2k. */
const worldToIndex = (p: readonly number[]) => [(p[0] + 10) / 0.5, (p[1] + 20) / 0.5, (p[2] - 30) / 2];
const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];

describe('box geometry', () => {
  it('maps world corners to column/row pixel coordinates of the slice', () => {
    const { box, slice } = boxFromWorldCorners([-5, -15, 34], [0, -10, 34], worldToIndex);
    expect(box).toEqual({ x0: 10, y0: 10, x1: 20, y1: 20 });
    expect(slice).toBe(2);
  });

  it('keeps sub-pixel positions (MedSAM takes float boxes) and any corner order', () => {
    const { box } = boxFromWorldCorners([0.25, -10, 30], [-5.1, -15.3, 30], worldToIndex);
    expect(box.x0).toBeCloseTo(20.5);
    expect(box.x1).toBeCloseTo(9.8);
    expect(box.y1).toBeCloseTo(9.4);
  });

  it('refuses a box that spans slices (a reformatted view)', () => {
    expect(() => boxFromWorldCorners([0, 0, 30], [5, 0, 40], worldToIndex)).toThrow(expect.objectContaining({ code: 'NOT_ACQUISITION_PLANE' }));
  });

  it('refuses corners that map to no pixel', () => {
    expect(() => boxFromWorldCorners([NaN, 0, 30], [5, 0, 30], worldToIndex)).toThrow(expect.objectContaining({ code: 'NO_IMAGE' }));
  });

  it('recognises the acquisition plane from the view normal and the image direction', () => {
    expect(isAcquisitionPlane([0, 0, 1], identity)).toBe(true);
    expect(isAcquisitionPlane([0, 0, -1], identity)).toBe(true);
    expect(isAcquisitionPlane([1, 0, 0], identity)).toBe(false);
    const tilted = [0, 0, 1, 0, 1, 0, -1, 0, 0]; // a sagittal acquisition: slices along x
    expect(isAcquisitionPlane([1, 0, 0], tilted)).toBe(true);
    expect(isAcquisitionPlane([0, 0, 1], tilted)).toBe(false);
  });
});
