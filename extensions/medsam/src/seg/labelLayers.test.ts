import { frameLayers, LayeredLabels } from './labelLayers';

describe('LayeredLabels', () => {
  it('keeps a voxel of two segments in two layers and each segment whole', () => {
    const layered = new LayeredLabels(4);
    [0, 1, 2, 3].forEach((i) => layered.add(i, 1)); // organ
    [2, 3].forEach((i) => layered.add(i, 2)); // lesion inside it
    layered.add(2, 2); // recorded twice: still once
    expect(Array.from(layered.labels)).toEqual([1, 1, 1, 1]);
    expect(layered.overlapLayers.map((l) => Array.from(l))).toEqual([[0, 0, 2, 2]]);
  });

  it('uses one layer while segments do not overlap', () => {
    const layered = new LayeredLabels(3);
    layered.add(0, 1);
    layered.add(2, 2);
    expect(Array.from(layered.labels)).toEqual([1, 0, 2]);
    expect(layered.overlapLayers).toHaveLength(0);
    expect(frameLayers({ labels: layered.labels })).toHaveLength(1);
  });

  it('gives an empty label map when nothing was added', () => {
    expect(Array.from(new LayeredLabels(2).labels)).toEqual([0, 0]);
  });
});
