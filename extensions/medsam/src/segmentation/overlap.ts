import type { VoxelChange } from './labelmapWrite';

/** Another segment's voxels that a write covered. */
export interface SegmentOverlap {
  readonly segmentIndex: number;
  readonly label: string;
  readonly pixels: number;
}

/**
 * Which segments a labelmap write covered, and by how many voxels: read from the values the write replaced
 * (its VoxelChange), so it costs one pass over the changed voxels only. A stored value is read as the
 * segment index, which holds for the single-layer labelmaps MedSAM writes into.
 */
export function overlapsOf(change: VoxelChange, labelOf: (segmentIndex: number) => string | undefined): SegmentOverlap[] {
  const counts = new Map<number, number>();
  for (let k = 0; k < change.before.length; k++) {
    const value = change.before[k];
    if (value !== 0) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts]
    .map(([segmentIndex, pixels]) => ({ segmentIndex, label: labelOf(segmentIndex) ?? `Segment ${segmentIndex}`, pixels }))
    .sort((a, b) => a.segmentIndex - b.segmentIndex);
}
