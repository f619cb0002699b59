/**
 * The numbers a reader sees for a viewport's slices. OHIF's viewport overlay shows "I: <InstanceNumber> (n/N)",
 * or "n/N" without instance numbers, where n counts from 1 along the viewport's own slider: a stack's image list,
 * and in a volume viewport the slices along the view direction, the first being the slice lowest along the view
 * plane normal (cornerstone's getImageSliceDataForVolumeViewport; OHIF's CustomizableViewportOverlay). That order
 * may run against the volume's image list, which the 3D code counts in. The panel and the range band name slices
 * by n, so "image 12" in the panel is the image whose overlay says 12.
 */
import type { Vector3 } from '@medsam-ohif/core';

/** How a viewport's slider counts its image list (positions from 0). */
export interface SliceNumbering {
  readonly count: number;
  /** The slider runs from the list's last image to its first. */
  readonly reversed: boolean;
}

export const listOrder = (count: number): SliceNumbering => ({ count, reversed: false });

/** The slider position (from 0) of list position `k`. */
export function sliderPosition(numbering: SliceNumbering, k: number): number {
  return numbering.reversed ? numbering.count - 1 - k : k;
}

/** The number OHIF's overlay shows (from 1) for list position `k`. */
export function shownNumber(numbering: SliceNumbering, k: number): number {
  return sliderPosition(numbering, k) + 1;
}

/** List positions `a`, `b` as the reader's numbers, low to high. */
export function shownRange(numbering: SliceNumbering, a: number, b: number): [number, number] {
  const [x, y] = [shownNumber(numbering, a), shownNumber(numbering, b)];
  return x <= y ? [x, y] : [y, x];
}

/** "images 3 to 9" for list positions `a`, `b` in either order. */
export function imagesInWords(numbering: SliceNumbering, a: number, b: number): string {
  const [lo, hi] = shownRange(numbering, a, b);
  return `images ${lo} to ${hi}`;
}

const dot = (a: Vector3, b: Vector3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/**
 * Whether a volume viewport's slider runs against its image list: the slider starts at the image lowest along
 * the view plane normal, so it runs backwards when the list's first image lies higher along it than its last.
 */
export function sliderRunsAgainstList(firstPosition: Vector3, lastPosition: Vector3, viewPlaneNormal: Vector3): boolean {
  return dot(firstPosition, viewPlaneNormal) > dot(lastPosition, viewPlaneNormal);
}

/** Where a walk towards the end of the list ('up') or its start ('down') goes, in the reader's numbers. */
export function towardsInWords(direction: 'up' | 'down', numbering: SliceNumbering): string {
  return (direction === 'up') !== numbering.reversed ? 'Towards the last image' : 'Towards the first image';
}
