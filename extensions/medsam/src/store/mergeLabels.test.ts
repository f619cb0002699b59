import { mergeLabels, type SegmentLayer } from './mergeLabels';

const layer = (segmentIndex: number, labelValue: number, slices: Record<string, number[]>): SegmentLayer => ({
  segmentIndex,
  labelValue,
  slices: Object.entries(slices).map(([sourceImageId, values]) => ({ sourceImageId, values })),
});

describe('mergeLabels', () => {
  it('numbers non-empty segments 1..n in index order, one label map per image with voxels', () => {
    const shared = { a: [0, 2, 2, 5], b: [0, 0, 0, 0], c: [5, 0, 0, 0] };
    const merged = mergeLabels([layer(5, 5, shared), layer(2, 2, shared), layer(3, 3, shared)], 4);
    expect([...merged.numbering]).toEqual([
      [2, 1],
      [5, 2],
    ]);
    expect(merged.empty).toEqual([3]);
    expect([...merged.frames.keys()].sort()).toEqual(['a', 'c']);
    expect([...merged.frames.get('a')!.labels]).toEqual([0, 1, 1, 2]);
    expect([...merged.frames.get('c')!.labels]).toEqual([2, 0, 0, 0]);
    expect(merged.overlapping).toBe(false);
  });

  it('segments in separate layers merge; a voxel of two segments keeps both (an overlap layer)', () => {
    const ok = mergeLabels([layer(1, 1, { a: [1, 0, 0] }), layer(2, 1, { a: [0, 1, 0] })], 3);
    expect([...ok.frames.get('a')!.labels]).toEqual([1, 2, 0]);
    expect(ok.frames.get('a')!.overlapLayers).toHaveLength(0);
    const organAndLesion = mergeLabels([layer(1, 1, { a: [1, 1, 1] }), layer(2, 1, { a: [0, 1, 0] })], 3);
    expect(organAndLesion.overlapping).toBe(true);
    expect([...organAndLesion.frames.get('a')!.labels]).toEqual([1, 1, 1]);
    expect(organAndLesion.frames.get('a')!.overlapLayers.map((l) => [...l])).toEqual([[0, 2, 0]]);
  });

  it('ignores values no segment is bound to (e.g. a preview) and checks slice sizes', () => {
    const merged = mergeLabels([layer(1, 1, { a: [255, 1, 0] })], 3);
    expect([...merged.frames.get('a')!.labels]).toEqual([0, 1, 0]);
    expect(mergeLabels([layer(1, 1, { a: [0, 0] })], 2).numbering.size).toBe(0);
    expect(() => mergeLabels([layer(1, 1, { a: [1, 0] })], 3)).toThrow(/has 2 voxels, expected 3/);
  });
});
