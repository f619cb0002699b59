/**
 * Plain words and numbers for a 3D result in the viewer: slices numbered as OHIF's overlay shows them in the
 * viewport the run was in (sliceNumbers.ts), directions named in those numbers ("towards the last image"),
 * volume from the slice positions.
 */
import { offsetsAlongNormal, sliceSpacing, volumeMl, type DirectionStop, type Vector3 } from '@medsam-ohif/core';
import { shownNumber, towardsInWords, type SliceNumbering } from './sliceNumbers';

/** A direction's stop rule for the reader (the core's own message counts list positions from 0). */
export function stopInWords(direction: 'up' | 'down', stop: DirectionStop, numbering: SliceNumbering): string {
  const image = (slice: number) => `image ${shownNumber(numbering, slice)}`;
  const towards = towardsInWords(direction, numbering);
  const at = `${towards}: stopped after ${image(stop.lastSlice)}`;
  const rejected = stop.rejectedSlice !== undefined ? image(stop.rejectedSlice) : 'the next image';
  const area = stop.rejectedAreaPixels !== undefined ? ` (${stop.rejectedAreaPixels} pixels)` : '';
  switch (stop.rule) {
    case 'range-end':
      return `${at}, the end of the marked range.`;
    case 'volume-edge':
      return `${at}, the edge of the series.`;
    case 'cap':
      return `${at}: the safety limit of slices per direction was reached.`;
    case 'empty':
      return `${at}: nothing was found on ${rejected}.`;
    case 'below-min-area':
      return `${at}: the mask on ${rejected}${area} was too small to be the same structure.`;
    case 'leak':
      return `${at}: the mask on ${rejected}${area} grew more than twice as large, likely spilling into a neighbour.`;
    case 'drift':
      return `${at}: the mask on ${rejected}${area} lay mostly outside the previous slice's, likely another structure.`;
    case 'cancelled':
      return `${at}: cancelled.`;
  }
}

/** Where each slice lies: ImagePositionPatient and ImageOrientationPatient (row, then column direction). */
export interface SlicePlane {
  readonly position: Vector3 | null;
  readonly orientation: readonly number[] | null;
}

export interface VolumeMeasure {
  readonly ml: number | null;
  readonly note: string;
}

/**
 * Σ area × pixel spacing × slab, the slab from the gaps between image positions along the slice normal (not
 * SliceThickness). `planes` are the series' slices in the viewport's order.
 */
export function measureVolume(
  slices: readonly { readonly slice: number; readonly areaPixels: number }[],
  pixelSpacing: readonly [number, number] | undefined,
  planes: readonly SlicePlane[],
): VolumeMeasure {
  if (!pixelSpacing) return { ml: null, note: 'unknown: the images have no pixel spacing' };
  const orientation = planes.find((p) => p.orientation)?.orientation;
  if (!orientation || planes.some((p) => !p.position)) return { ml: null, note: 'unknown: the images have no positions to measure the slice spacing' };
  const spacing = sliceSpacing(offsetsAlongNormal(planes.map((p) => p.position!), orientation));
  if (!spacing || spacing.medianMm === 0) return { ml: null, note: 'unknown: the slice spacing cannot be measured' };
  const ml = volumeMl(slices, pixelSpacing, (k) => spacing.perSliceMm[k]);
  const gap = `${Number(spacing.medianMm.toFixed(2))} mm`;
  return { ml, note: spacing.uniform ? `slices ${gap} apart (from their positions)` : `uneven slice spacing (median ${gap}), each slice by its own gaps` };
}

/** Time left from the pace so far; the plan is an upper bound while a direction may still stop early. */
export function msLeft(done: number, planned: number, elapsedMs: number): number | null {
  return done > 0 ? Math.max(0, ((planned - done) * elapsedMs) / done) : null;
}
