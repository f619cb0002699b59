/** Pixel containers the core accepts: stored DICOM values, NIfTI voxels or 8-bit PNG samples. */
export type PixelArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** One 2D image as stored: values still need RescaleSlope/Intercept to become modality units (e.g. HU). */
export interface SourceImage {
  readonly rows: number;
  readonly columns: number;
  /** 1 for grey images; 3 for RGB, interleaved (r, g, b, r, g, b ...). */
  readonly samplesPerPixel: 1 | 3;
  readonly pixels: PixelArray;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  /** DICOM modality code ("CT", "MR", "OT" ...). */
  readonly modality: string;
  /** Row and column spacing in mm, when known (for areas in mm²). */
  readonly pixelSpacing?: readonly [number, number];
  /**
   * True for an 8-bit picture file (PNG, JPEG …). MedSAM_Inference.py reads such a file with io.imread and
   * feeds its values as they are, so normalisation 'auto' leaves them alone (rule 'none').
   */
  readonly eightBitFile?: boolean;
}

/** An 8-bit image after intensity normalisation: grey (1 channel) or RGB (3 channels, interleaved). */
export interface Uint8Image {
  readonly rows: number;
  readonly columns: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/** A binary mask on an image's pixel grid: 1 inside, 0 outside, row-major. */
export interface Mask {
  readonly rows: number;
  readonly columns: number;
  readonly data: Uint8Array;
}
