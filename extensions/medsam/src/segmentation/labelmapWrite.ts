/** Index access to labelmap voxels: cornerstone's IVoxelManager, or a typed array in tests. */
export interface VoxelAccess {
  getAtIndex(index: number): unknown;
  setAtIndex(index: number, value: number): void;
}

/** One write: which voxels changed, what they held before, and the value they got. */
export interface VoxelChange {
  readonly indices: Uint32Array;
  readonly before: Float64Array;
  readonly value: number;
}

/**
 * Writes `value` into every voxel where the mask is 1 (mask index i ↔ voxel offset + i: the mask is
 * row-major on the same rows × columns grid as the labelmap slice) and leaves every other voxel alone.
 * Returns the change, so that it can be reverted and re-applied exactly.
 */
export function writeMask(voxels: VoxelAccess, mask: ArrayLike<number>, value: number, offset = 0): VoxelChange {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0 && Number(voxels.getAtIndex(offset + i)) !== value) count++;
  const indices = new Uint32Array(count);
  const before = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    const index = offset + i;
    const old = Number(voxels.getAtIndex(index));
    if (old === value) continue;
    indices[k] = index;
    before[k] = old;
    k++;
    voxels.setAtIndex(index, value);
  }
  return { indices, before, value };
}

/** Puts back what a change overwrote. */
export function revertChange(voxels: VoxelAccess, change: VoxelChange): void {
  for (let k = 0; k < change.indices.length; k++) voxels.setAtIndex(change.indices[k], change.before[k]);
}

/** Applies a change again (redo). */
export function reapplyChange(voxels: VoxelAccess, change: VoxelChange): void {
  for (let k = 0; k < change.indices.length; k++) voxels.setAtIndex(change.indices[k], change.value);
}

/** A plain array as VoxelAccess (tests, and slices copied out of a volume). */
export function arrayVoxels(array: { [index: number]: number; length: number }): VoxelAccess {
  return {
    getAtIndex: (i) => array[i],
    setAtIndex: (i, v) => {
      array[i] = v;
    },
  };
}
