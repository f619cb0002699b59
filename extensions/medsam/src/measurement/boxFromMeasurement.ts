import type { Box } from '@medsam-ohif/core';

/** The OHIF measurements a box can come from. */
export const MEASUREMENT_TOOLS = ['Bidirectional', 'Length', 'RectangleROI'] as const;
export type MeasurementTool = (typeof MEASUREMENT_TOOLS)[number];

/** Image pixels, x = column, y = row. */
export type ImagePoint = readonly [number, number];

/**
 * The margin added on every side of a measurement's box: a tenth of its longer side, at least 3 pixels. RECIST
 * axes and a Length end on the lesion's edge, and MedSAM was trained on boxes a little larger than the object
 * (its recipe: the mask's box + 0–20 px); a rectangle the reader drew is a box already and gets none.
 */
export function measurementMargin(tool: MeasurementTool, width: number, height: number): number {
  return tool === 'RectangleROI' ? 0 : Math.max(3, 0.1 * Math.max(width, height));
}

/**
 * A measurement's points (image pixels) → the box MedSAM gets. Bidirectional: the bounding box of both axes'
 * end points. Length: a single diameter, so a square around its midpoint with the line's length as side.
 * RectangleROI: its corners. Then the margin; the caller clamps to the image.
 */
export function boxFromMeasurement(tool: MeasurementTool, points: readonly ImagePoint[]): Box {
  if (points.length < 2) throw new RangeError(`a ${tool} measurement needs at least 2 points, got ${points.length}`);
  let x0 = Math.min(...points.map((p) => p[0]));
  let x1 = Math.max(...points.map((p) => p[0]));
  let y0 = Math.min(...points.map((p) => p[1]));
  let y1 = Math.max(...points.map((p) => p[1]));
  if (tool === 'Length') {
    const [a, b] = points;
    const half = Math.hypot(b[0] - a[0], b[1] - a[1]) / 2;
    const cx = (a[0] + b[0]) / 2;
    const cy = (a[1] + b[1]) / 2;
    [x0, x1, y0, y1] = [cx - half, cx + half, cy - half, cy + half];
  }
  const m = measurementMargin(tool, x1 - x0, y1 - y0);
  return { x0: x0 - m, y0: y0 - m, x1: x1 + m, y1: y1 + m };
}
