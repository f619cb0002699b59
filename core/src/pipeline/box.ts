import { MedSamError } from './errors';

/** A box in original image pixel coordinates: x = column, y = row (floats allowed), as MedSAM takes it. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface CheckedBox {
  readonly box: Box;
  /** True when the box reached outside the image and was cut to it. */
  readonly clamped: boolean;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/**
 * The smallest box side, in image pixels, that is segmented. Below it the box carries almost no shape for
 * the prompt encoder and MedSAM answers with a blob around a point (a 2×2 box did); a stray click-drag is the
 * usual cause. Four pixels keeps every small lesion a reader would box on a 512² CT (≈ 3 mm) and refuses slips.
 */
export const MIN_BOX_SIDE_PX = 4;

/**
 * Orders the corners, clamps a box that is partly outside the image to the pixel-index range
 * [0, columns-1] × [0, rows-1] (MedSAM's boxes are pixel indices), and refuses boxes that cannot be
 * segmented: not finite, of zero area, smaller than MIN_BOX_SIDE_PX on a side, or wholly outside the image.
 */
export function checkBox(box: Box, rows: number, columns: number): CheckedBox {
  const values = [box.x0, box.y0, box.x1, box.y1];
  if (!values.every(Number.isFinite)) {
    throw new MedSamError('BAD_BOX', `box coordinates must be finite numbers, got [${values.join(', ')}]`);
  }
  const x0 = Math.min(box.x0, box.x1);
  const x1 = Math.max(box.x0, box.x1);
  const y0 = Math.min(box.y0, box.y1);
  const y1 = Math.max(box.y0, box.y1);
  if (x1 === x0 || y1 === y0) {
    throw new MedSamError('BAD_BOX', `box [${values.join(', ')}] has zero area: draw a box with a width and a height`);
  }
  const maxX = columns - 1;
  const maxY = rows - 1;
  if (x1 < 0 || y1 < 0 || x0 > maxX || y0 > maxY) {
    throw new MedSamError(
      'BAD_BOX',
      `box [${values.join(', ')}] lies wholly outside the ${columns}×${rows} image: draw it on the image`,
    );
  }
  const clamped: Box = { x0: clamp(x0, 0, maxX), y0: clamp(y0, 0, maxY), x1: clamp(x1, 0, maxX), y1: clamp(y1, 0, maxY) };
  if (clamped.x1 === clamped.x0 || clamped.y1 === clamped.y0) {
    throw new MedSamError(
      'BAD_BOX',
      `box [${values.join(', ')}] only touches the edge of the ${columns}×${rows} image: nothing inside to segment`,
    );
  }
  const width = clamped.x1 - clamped.x0;
  const height = clamped.y1 - clamped.y0;
  if (width < MIN_BOX_SIDE_PX || height < MIN_BOX_SIDE_PX) {
    const size = `${+width.toFixed(1)}×${+height.toFixed(1)}`;
    throw new MedSamError('BAD_BOX', `the box is ${size} pixels: too small for MedSAM, which needs at least ${MIN_BOX_SIDE_PX} pixels on each side. Draw a box around the whole structure`);
  }
  const wasClamped = clamped.x0 !== x0 || clamped.x1 !== x1 || clamped.y0 !== y0 || clamped.y1 !== y1;
  return { box: clamped, clamped: wasClamped };
}

/** Parses "x0,y0,x1,y1" (the CLI's --box). */
export function parseBox(text: string): Box {
  const parts = text.split(',').map((s) => s.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 4 || parts.some((p) => p === '') || !numbers.every(Number.isFinite)) {
    throw new MedSamError('BAD_BOX', `box must be four numbers "x0,y0,x1,y1", got "${text}"`);
  }
  const [x0, y0, x1, y1] = numbers;
  return { x0, y0, x1, y1 };
}
