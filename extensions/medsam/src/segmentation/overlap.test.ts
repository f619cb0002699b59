import { arrayVoxels } from './labelmapWrite';
import { overlapsUnder } from './overlap';

describe('overlapsUnder', () => {
  it('counts, per segment, the voxels a mask covers; empty voxels do not count', () => {
    const voxels = arrayVoxels(new Uint8Array([1, 1, 1, 2, 0, 0, 2, 1]));
    const mask = new Uint8Array([1, 1, 0, 1, 1, 0, 1, 0]);
    const labels: Record<number, string> = { 1: 'Liver', 2: 'Spleen' };
    const segments = [1, 2].map((segmentIndex) => ({ segmentIndex, labelValue: segmentIndex, voxels, offset: 0 }));
    expect(overlapsUnder(mask, segments, (i) => labels[i])).toEqual([
      { segmentIndex: 1, label: 'Liver', pixels: 2 },
      { segmentIndex: 2, label: 'Spleen', pixels: 2 },
    ]);
  });

  it('finds segments in other labelmap layers (overlapping segments), each by its own label value', () => {
    const organLayer = arrayVoxels(new Uint8Array([0, 0, 0, 0, 1, 1, 1, 1]));
    const lesionLayer = arrayVoxels(new Uint8Array([0, 0, 0, 0, 0, 1, 1, 0])); // a private layer: value 1 means segment 3
    const segments = [
      { segmentIndex: 1, labelValue: 1, voxels: organLayer, offset: 4 },
      { segmentIndex: 3, labelValue: 1, voxels: lesionLayer, offset: 4 },
    ];
    expect(overlapsUnder(new Uint8Array([0, 1, 1, 0]), segments, () => undefined)).toEqual([
      { segmentIndex: 1, label: 'Segment 1', pixels: 2 },
      { segmentIndex: 3, label: 'Segment 3', pixels: 2 },
    ]);
  });

  it('no overlap on an empty labelmap', () => {
    const voxels = arrayVoxels(new Uint8Array(4));
    expect(overlapsUnder(new Uint8Array([1, 1, 1, 1]), [{ segmentIndex: 1, labelValue: 1, voxels, offset: 0 }], () => 'x')).toEqual([]);
  });
});
