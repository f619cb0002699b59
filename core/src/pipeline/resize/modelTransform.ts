import type { PreprocessingProfile } from '../manifestTypes';

/**
 * How a source image was mapped onto the encoder's square input: what the box transform and the
 * post-processing need to go between source pixels and model pixels.
 * - 'medsam-stretch-1024': the whole image is stretched to inputSize × inputSize (scaled = inputSize).
 * - 'litemedsam-longest-256': the longest side becomes inputSize, the other int(side·scale + 0.5); the
 *   image sits at the top-left of the square input, zero padding bottom/right.
 */
export interface ModelInputTransform {
  readonly profile: PreprocessingProfile;
  /** Side of the square encoder input (1024 for MedSAM, 256 for LiteMedSAM). */
  readonly inputSize: number;
  /** The resized image's size inside the input; the rest is padding. */
  readonly scaledRows: number;
  readonly scaledColumns: number;
  readonly sourceRows: number;
  readonly sourceColumns: number;
}

export function modelInputTransform(
  profile: PreprocessingProfile,
  inputSize: number,
  sourceRows: number,
  sourceColumns: number,
): ModelInputTransform {
  for (const v of [inputSize, sourceRows, sourceColumns]) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`modelInputTransform: sizes must be positive integers, got ${v}`);
  }
  const [scaledRows, scaledColumns] =
    profile === 'medsam-stretch-1024' ? [inputSize, inputSize] : longestSideSize(sourceRows, sourceColumns, inputSize);
  return { profile, inputSize, scaledRows, scaledColumns, sourceRows, sourceColumns };
}

/**
 * LiteMedSAM's resize_longest_side size: scale = target/max(h, w), then int(side·scale + 0.5) per side.
 * A side that would round to 0 (the reference then fails inside cv2.resize) is kept at 1.
 */
export function longestSideSize(rows: number, columns: number, target: number): [number, number] {
  const scale = (target * 1.0) / Math.max(rows, columns);
  return [Math.max(1, Math.trunc(rows * scale + 0.5)), Math.max(1, Math.trunc(columns * scale + 0.5))];
}

/** A box (x = column, y = row) in source pixels or in the model's input space. */
export interface PixelBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Source-pixel box → model input space, in the reference code's own expression order so the last bit
 * matches: MedSAM `box / [W, H, W, H] * S` (each axis stretched, fractions kept); LiteMedSAM
 * (`resize_box_to_256`) `int(box[i] * (S / max(H, W)))`, truncated to whole model pixels. The ratio is
 * computed first, as there: `box * S / max(H, W)` lands one pixel higher on some boxes (49 · 256 / 98).
 */
export function boxToModelSpace(box: PixelBox, t: ModelInputTransform): PixelBox {
  const S = t.inputSize;
  if (t.profile === 'medsam-stretch-1024') {
    const W = t.sourceColumns;
    const H = t.sourceRows;
    return { x0: (box.x0 / W) * S, y0: (box.y0 / H) * S, x1: (box.x1 / W) * S, y1: (box.y1 / H) * S };
  }
  const ratio = S / Math.max(t.sourceRows, t.sourceColumns);
  return { x0: Math.trunc(box.x0 * ratio), y0: Math.trunc(box.y0 * ratio), x1: Math.trunc(box.x1 * ratio), y1: Math.trunc(box.y1 * ratio) };
}
