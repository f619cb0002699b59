import { arrayVoxels, writeMask } from './labelmapWrite';
import { overlapsOf } from './overlap';

describe('overlapsOf', () => {
  it('counts, per segment, the voxels a write covered; empty voxels do not count', () => {
    const labelmap = new Uint8Array([1, 1, 1, 2, 0, 0, 2, 1]);
    const change = writeMask(arrayVoxels(labelmap), new Uint8Array([1, 1, 0, 1, 1, 0, 1, 0]), 255);
    const labels: Record<number, string> = { 1: 'Liver', 2: 'Spleen' };
    expect(overlapsOf(change, (i) => labels[i])).toEqual([
      { segmentIndex: 1, label: 'Liver', pixels: 2 },
      { segmentIndex: 2, label: 'Spleen', pixels: 2 },
    ]);
  });

  it('no overlap on an empty labelmap; unknown segments get a generic name', () => {
    expect(overlapsOf(writeMask(arrayVoxels(new Uint8Array(4)), new Uint8Array([1, 1, 1, 1]), 255), () => undefined)).toEqual([]);
    const change = writeMask(arrayVoxels(new Uint8Array([7, 0])), new Uint8Array([1, 0]), 255);
    expect(overlapsOf(change, () => undefined)).toEqual([{ segmentIndex: 7, label: 'Segment 7', pixels: 1 }]);
  });
});
