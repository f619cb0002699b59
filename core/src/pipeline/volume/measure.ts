/**
 * Volume of a 3D result in mL. Each slice stands for a slab as thick as the spacing between slice positions
 * (from ImagePositionPatient along the slice normal, or a NIfTI's grid), not DICOM's SliceThickness, which
 * can be larger or smaller than the gap (overlapping or gapped acquisitions). A slice's slab is the mean of its
 * gaps to its neighbours (its one gap at either end), so uneven spacing is measured as acquired.
 */
export type Vector3 = readonly [number, number, number];

/** Slice positions along the normal (row direction × column direction of ImageOrientationPatient), in mm. */
export function offsetsAlongNormal(positions: readonly Vector3[], orientation: readonly number[]): number[] {
  const [rx, ry, rz, cx, cy, cz] = orientation;
  const n: Vector3 = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  return positions.map((p) => p[0] * n[0] + p[1] * n[1] + p[2] * n[2]);
}

export interface SliceSpacing {
  /** Slab thickness of each slice, mm. */
  readonly perSliceMm: number[];
  /** Median gap between neighbouring slices, mm. */
  readonly medianMm: number;
  /** True when every gap is within 1 % (and 0.01 mm) of the median. */
  readonly uniform: boolean;
}

/** Spacing from the slices' offsets along the normal (in slice order); null for fewer than two slices. */
export function sliceSpacing(offsetsMm: readonly number[]): SliceSpacing | null {
  if (offsetsMm.length < 2) return null;
  const gaps = offsetsMm.slice(1).map((o, i) => Math.abs(o - offsetsMm[i]));
  const sorted = [...gaps].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMm = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const uniform = gaps.every((g) => Math.abs(g - medianMm) <= Math.max(0.01, 0.01 * medianMm));
  const perSliceMm = offsetsMm.map((_, k) => {
    const before = k > 0 ? gaps[k - 1] : undefined;
    const after = k < gaps.length ? gaps[k] : undefined;
    return before !== undefined && after !== undefined ? (before + after) / 2 : (before ?? after)!;
  });
  return { perSliceMm, medianMm, uniform };
}

/** Σ area · row spacing · column spacing · slab thickness, in mL (1 mL = 1000 mm³). */
export function volumeMl(
  slices: readonly { readonly slice: number; readonly areaPixels: number }[],
  pixelSpacingMm: readonly [number, number],
  slabMm: (slice: number) => number,
): number {
  const pixelMm2 = pixelSpacingMm[0] * pixelSpacingMm[1];
  return slices.reduce((sum, s) => sum + s.areaPixels * pixelMm2 * slabMm(s.slice), 0) / 1000;
}
