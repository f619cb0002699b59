import type { VoxelAccess } from './labelmapWrite';

/** Another segment's voxels that a mask covers. */
export interface SegmentOverlap {
  readonly segmentIndex: number;
  readonly label: string;
  readonly pixels: number;
}

/** One segment's voxels over the masked image: its labelmap layer's slice and the value that means it. */
export interface SegmentSlice {
  readonly segmentIndex: number;
  readonly labelValue: number;
  readonly voxels: VoxelAccess;
  readonly offset: number;
}

/**
 * Which segments a mask covers, and by how many voxels, whatever labelmap layer each lives in (overlapping
 * segments sit in different layers). Reads only the mask's voxels, once per segment.
 */
export function overlapsUnder(mask: Uint8Array, segments: readonly SegmentSlice[], labelOf: (segmentIndex: number) => string | undefined): SegmentOverlap[] {
  const masked: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) masked.push(i);
  return segments
    .map((s) => {
      let pixels = 0;
      for (const i of masked) if (Number(s.voxels.getAtIndex(s.offset + i)) === s.labelValue) pixels++;
      return { segmentIndex: s.segmentIndex, label: labelOf(s.segmentIndex) ?? `Segment ${s.segmentIndex}`, pixels };
    })
    .filter((o) => o.pixels > 0)
    .sort((a, b) => a.segmentIndex - b.segmentIndex);
}
