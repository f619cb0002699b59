// Per slice what MedSAM's first-release training data holds (pre_CT.py → .npz): `imgs` the normalised image
// at 256×256×3 uint8, `gts` the mask at 256×256 (the decoder's low-res grid), `img_embeddings` [256, 64, 64].
import type { Mask } from '../../pipeline/image';
import { normalizeImage, type NormalizationSpec } from '../../pipeline/normalize';
import { resizeLikeSkimage, truncateToUint8 } from '../../pipeline/resize';

/** Side of `imgs` and `gts`: the low-res mask grid MedSAM's decoder is trained on. */
export const TRAINING_GRID = 256;

/**
 * Nearest-neighbour resize of a 0/1 mask, as skimage.transform.resize(mask, (n, n), order=0,
 * preserve_range=True, anti_aliasing=False) does (scipy zoom, grid_mode): output pixel o samples input
 * coordinate (o + 0.5)·in/out − 0.5, rounded half up. A stretch, like the image (MedSAM keeps no aspect ratio).
 */
export function resizeMaskNearest(mask: Mask, outRows: number, outColumns: number): Uint8Array {
  const index = (o: number, inLen: number, outLen: number) => Math.min(inLen - 1, Math.max(0, Math.floor((o + 0.5) * (inLen / outLen) - 0.5 + 0.5)));
  const rowsAt = Array.from({ length: outRows }, (_, o) => index(o, mask.rows, outRows));
  const columnsAt = Array.from({ length: outColumns }, (_, o) => index(o, mask.columns, outColumns));
  const out = new Uint8Array(outRows * outColumns);
  for (let r = 0; r < outRows; r++) {
    const row = rowsAt[r] * mask.columns;
    for (let c = 0; c < outColumns; c++) out[r * outColumns + c] = mask.data[row + columnsAt[c]] ? 1 : 0;
  }
  return out;
}

/** The normalised 8-bit image at 256×256, grey replicated to 3 channels (order-3 resize, uint8 truncation, as pre_CT.py). */
export function trainingImage(image: Parameters<typeof normalizeImage>[0], spec: NormalizationSpec): Uint8Array {
  const { image: u8 } = normalizeImage(image, spec);
  const resized = truncateToUint8(resizeLikeSkimage(u8.data, u8.rows, u8.columns, u8.channels, TRAINING_GRID, TRAINING_GRID));
  if (u8.channels === 3) return resized;
  const out = new Uint8Array(TRAINING_GRID * TRAINING_GRID * 3);
  for (let i = 0; i < resized.length; i++) out.fill(resized[i], i * 3, i * 3 + 3);
  return out;
}
