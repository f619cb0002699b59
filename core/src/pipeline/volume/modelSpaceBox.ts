/**
 * The box rules of MedSAM's 3D inference, per preprocessing profile, in model input pixels:
 * - the prompted slice's box: LiteMedSAM truncates each coordinate (`resize_box_to_256`:
 *   int(v · (256 / max(H, W)))); MedSAM ViT-B keeps floats (box / [W, H, W, H] · 1024);
 * - every other slice's box: the neighbouring slice's mask brought to model space, its bounding box
 *   (inclusive pixel indices) grown by a margin and clamped to [0, S] (the reference clamps the far edge to
 *   S, not S − 1). LiteMedSAM (`get_bbox256`, CVPR24_LiteMedSAM_infer.py): longest side to 256 with
 *   cv2.INTER_AREA, zero padding, margin 3; MedSAM ViT-B (`get_bbox`, medsam_infer_3Dbox_adrenal.py):
 *   1024×1024 with cv2.INTER_NEAREST, margin 5.
 */
import type { Mask } from '../image';
import { resizeArea } from '../resize/areaResize';
import { boxToModelSpace, type ModelInputTransform, type PixelBox } from '../resize/modelTransform';

export const MASK_BOX_MARGIN = { 'litemedsam-longest-256': 3, 'medsam-stretch-1024': 5 } as const;

/** The prompted slice's box (image pixels, already checked) in model space, as the reference converts it. */
export function promptModelBox(box: PixelBox, t: ModelInputTransform): PixelBox {
  if (t.profile === 'medsam-stretch-1024') return boxToModelSpace(box, t);
  const ratio = t.inputSize / Math.max(t.sourceRows, t.sourceColumns);
  return { x0: Math.trunc(box.x0 * ratio), y0: Math.trunc(box.y0 * ratio), x1: Math.trunc(box.x1 * ratio), y1: Math.trunc(box.y1 * ratio) };
}

/**
 * The box the reference derives from a neighbouring slice's mask, or null when it counts as empty (the caller
 * then falls back to the prompt box). ViT-B tests emptiness on the mask itself; LiteMedSAM on the resized mask,
 * so a mask of a few pixels can vanish in the area average and count as empty. A ViT-B mask that the nearest
 * resize loses entirely (only possible for images larger than 1024) also counts as empty (the reference fails).
 */
export function maskModelBox(mask: Mask, t: ModelInputTransform): PixelBox | null {
  if (t.profile === 'medsam-stretch-1024') return nearestResizedBox(mask, t.inputSize, MASK_BOX_MARGIN[t.profile]);
  return areaResizedBox(mask, t, MASK_BOX_MARGIN[t.profile]);
}

function grow(x0: number, y0: number, x1: number, y1: number, margin: number, size: number): PixelBox {
  return { x0: Math.max(0, x0 - margin), y0: Math.max(0, y0 - margin), x1: Math.min(size, x1 + margin), y1: Math.min(size, y1 + margin) };
}

/** cv2.resize INTER_NEAREST's source index per destination index: min(floor(d · (1 / (S / n))), n − 1). */
function nearestSources(n: number, size: number): Int32Array {
  const inverse = 1 / (size / n);
  const out = new Int32Array(size);
  for (let d = 0; d < size; d++) out[d] = Math.min(Math.floor(d * inverse), n - 1);
  return out;
}

function nearestResizedBox(mask: Mask, size: number, margin: number): PixelBox | null {
  const { rows, columns, data } = mask;
  const rowOf = nearestSources(rows, size);
  const columnOf = nearestSources(columns, size);
  // A destination pixel is set when its source pixel is; only source rows/columns that some destination
  // index samples can show up, so the box is found from those without building the S×S image.
  const rowSampled = new Uint8Array(rows);
  const columnSampled = new Uint8Array(columns);
  rowOf.forEach((r) => (rowSampled[r] = 1));
  columnOf.forEach((c) => (columnSampled[c] = 1));
  const rowHit = new Uint8Array(rows);
  const columnHit = new Uint8Array(columns);
  let any = false;
  for (let r = 0; r < rows; r++) {
    if (!rowSampled[r]) continue;
    for (let c = 0; c < columns; c++) {
      if (columnSampled[c] && data[r * columns + c]) {
        rowHit[r] = 1;
        columnHit[c] = 1;
        any = true;
      }
    }
  }
  if (!any) return null;
  const first = (of: Int32Array, hit: Uint8Array) => of.findIndex((s) => hit[s] === 1);
  const last = (of: Int32Array, hit: Uint8Array) => {
    for (let d = of.length - 1; d >= 0; d--) if (hit[of[d]]) return d;
    return -1;
  };
  return grow(first(columnOf, columnHit), first(rowOf, rowHit), last(columnOf, columnHit), last(rowOf, rowHit), margin, size);
}

function areaResizedBox(mask: Mask, t: ModelInputTransform, margin: number): PixelBox | null {
  // The reference resizes the slice's label values (1 for the first, and here only, object).
  const small = resizeArea(mask.data, mask.rows, mask.columns, 1, t.scaledRows, t.scaledColumns);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < t.scaledRows; y++) {
    for (let x = 0; x < t.scaledColumns; x++) {
      if (!small[y * t.scaledColumns + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : grow(x0, y0, x1, y1, margin, t.inputSize);
}
