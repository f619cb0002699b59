import type { Uint8Image } from '../image';
import type { PreprocessingProfile } from '../manifestTypes';
import { resizeArea } from './areaResize';
import { modelInputTransform, type ModelInputTransform } from './modelTransform';
import { resizeLikeSkimage } from './skimageResize';
import { truncateToUint8 } from './toUint8';

/**
 * MedSAM_Inference.py replicates grey to 3 channels before skimage's resize: a rank-3 zoom whose last-bit
 * rounding differs from the 2D one, so after uint8 truncation a few pixels of flat regions differ by one
 * grey level (and the 3 channels may differ from each other). 'exact' reproduces that (~10× slower);
 * 'fast' resizes the single grey channel and replicates afterwards.
 */
export type MedsamResizeMode = 'exact' | 'fast';

export interface EncoderInput {
  /** NCHW float32 [1, 3, S, S] in [0, 1], zero-padded bottom/right for LiteMedSAM. */
  readonly data: Float32Array;
  readonly dims: readonly [1, 3, number, number];
  /** The resized 8-bit image before min-max and padding (what a 'uint8-hw' encoder receives). */
  readonly resized: Uint8Image;
  readonly transform: ModelInputTransform;
}

/** Resize a normalised 8-bit image to the model's input grid, as the profile's reference code does. */
export function resizeForModel(image: Uint8Image, t: ModelInputTransform, mode: MedsamResizeMode = 'exact'): Uint8Image {
  const { rows, columns, channels, data } = image;
  if (t.profile === 'litemedsam-longest-256') {
    // cv2 INTER_AREA treats channels independently with identical arithmetic: grey needs no replication.
    const out = resizeArea(data, rows, columns, channels, t.scaledRows, t.scaledColumns);
    return { rows: t.scaledRows, columns: t.scaledColumns, channels, data: out };
  }
  if (channels === 1 && mode === 'exact') {
    const rgb = new Uint8Array(data.length * 3);
    for (let i = 0; i < data.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = data[i];
    const out = truncateToUint8(resizeLikeSkimage(rgb, rows, columns, 3, t.scaledRows, t.scaledColumns));
    return { rows: t.scaledRows, columns: t.scaledColumns, channels: 3, data: out };
  }
  const out = truncateToUint8(resizeLikeSkimage(data, rows, columns, channels, t.scaledRows, t.scaledColumns));
  return { rows: t.scaledRows, columns: t.scaledColumns, channels, data: out };
}

/**
 * (x − min) / max(max − min, 1e-8) over the whole resized image (all channels together, as the reference
 * does), computed in float64 and stored as float32, into a zeroed [1, 3, S, S] tensor at the top-left.
 * Grey is replicated to the 3 planes; RGB is de-interleaved.
 */
export function toEncoderTensor(resized: Uint8Image, inputSize: number): Float32Array {
  const { rows, columns, channels, data } = resized;
  if (rows > inputSize || columns > inputSize) {
    throw new Error(`toEncoderTensor: a ${rows}x${columns} image does not fit a ${inputSize}x${inputSize} input`);
  }
  let min = 255;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = Math.max(max - min, 1e-8);
  const lut = new Float32Array(256);
  for (let v = min; v <= max; v++) lut[v] = (v - min) / range;
  const plane = inputSize * inputSize;
  const out = new Float32Array(3 * plane);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const p = r * inputSize + c;
      const s = (r * columns + c) * channels;
      for (let k = 0; k < 3; k++) out[k * plane + p] = lut[data[channels === 1 ? s : s + k]];
    }
  }
  return out;
}

/** The whole image stage: resize per profile, min-max, NCHW, plus the transform the later stages need. */
export function buildEncoderInput(
  image: Uint8Image,
  profile: PreprocessingProfile,
  inputSize: number,
  mode: MedsamResizeMode = 'exact',
): EncoderInput {
  const transform = modelInputTransform(profile, inputSize, image.rows, image.columns);
  const resized = resizeForModel(image, transform, mode);
  return { data: toEncoderTensor(resized, inputSize), dims: [1, 3, inputSize, inputSize], resized, transform };
}
