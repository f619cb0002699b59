import { arrayVoxels, reapplyChange, revertChange, writeMask } from './labelmapWrite';

describe('writeMask', () => {
  it('sets exactly the mask voxels and leaves all others alone', () => {
    const labelmap = new Uint8Array([0, 2, 0, 0, 2, 2, 0, 0, 0]);
    const mask = new Uint8Array([1, 1, 0, 0, 1, 0, 0, 0, 1]);
    writeMask(arrayVoxels(labelmap), mask, 3);
    expect(Array.from(labelmap)).toEqual([3, 3, 0, 0, 3, 2, 0, 0, 3]);
  });

  it('writes at an offset (one slice of a labelmap volume)', () => {
    const volume = new Uint8Array(8);
    writeMask(arrayVoxels(volume), new Uint8Array([1, 0, 0, 1]), 1, 4);
    expect(Array.from(volume)).toEqual([0, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('records what it overwrote, so revert and reapply are exact', () => {
    const labelmap = new Uint8Array([5, 0, 7, 1]);
    const before = labelmap.slice();
    const change = writeMask(arrayVoxels(labelmap), new Uint8Array([1, 1, 1, 0]), 7);
    expect(Array.from(change.indices)).toEqual([0, 1]); // voxel 2 already held 7
    const after = labelmap.slice();
    revertChange(arrayVoxels(labelmap), change);
    expect(labelmap).toEqual(before);
    reapplyChange(arrayVoxels(labelmap), change);
    expect(labelmap).toEqual(after);
  });

  it('an empty mask changes nothing', () => {
    const labelmap = new Uint8Array([1, 2]);
    const change = writeMask(arrayVoxels(labelmap), new Uint8Array(2), 4);
    expect(change.indices.length).toBe(0);
    expect(Array.from(labelmap)).toEqual([1, 2]);
  });
});
