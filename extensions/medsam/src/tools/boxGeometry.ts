import type { Box } from '@medsam-ohif/core';
import { GlueError } from '../utils/plainError';

export type Vec3 = readonly [number, number, number] | readonly number[];

/** World (patient mm) → continuous voxel index [column, row, slice] of the image data under the viewport. */
export interface WorldToIndex {
  (world: Vec3): readonly number[];
}

/**
 * True when the view plane is the plane the images were acquired in: the view normal is parallel to the
 * image data's third axis (direction matrix column k, i.e. elements 6..8 of vtk's row-major 3×3).
 */
export function isAcquisitionPlane(viewPlaneNormal: Vec3, direction: ArrayLike<number>, tolerance = 1e-3): boolean {
  const dot = viewPlaneNormal[0] * direction[6] + viewPlaneNormal[1] * direction[7] + viewPlaneNormal[2] * direction[8];
  return Math.abs(Math.abs(dot) - 1) <= tolerance;
}

export interface PixelBox {
  /** x = column, y = row of the referenced image, continuous (pixel centres at integers), as MedSAM takes it. */
  readonly box: Box;
  /** Slice index in the image data (0 for a stack viewport's single image). */
  readonly slice: number;
}

/** The two dragged corners in world coordinates → a box in the image's pixel coordinates. */
export function boxFromWorldCorners(a: Vec3, b: Vec3, worldToIndex: WorldToIndex): PixelBox {
  const ia = worldToIndex(a);
  const ib = worldToIndex(b);
  if (![...ia, ...ib].every(Number.isFinite)) throw new GlueError('NO_IMAGE', 'the box corners do not map to image pixels');
  if (Math.abs(ia[2] - ib[2]) > 0.5) {
    throw new GlueError('NOT_ACQUISITION_PLANE', `the box spans slices ${ia[2].toFixed(1)} to ${ib[2].toFixed(1)}: it is not drawn on one acquired slice`);
  }
  return { box: { x0: ia[0], y0: ia[1], x1: ib[0], y1: ib[1] }, slice: Math.round((ia[2] + ib[2]) / 2) };
}
