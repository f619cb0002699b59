import type { PixelArray, SourceImage } from '@medsam-ohif/core';

/** What the glue reads off a cornerstone image and its metadata (no cornerstone types: unit-testable). */
export interface ImageFields {
  readonly rows: number;
  readonly columns: number;
  /** The cached pixel data: stored values, or modality units when the loader pre-scaled them. */
  readonly pixels: ArrayLike<number> & { readonly length: number };
  /** RescaleSlope / RescaleIntercept of the instance (1 / 0 when absent). */
  readonly slope: number;
  readonly intercept: number;
  /** cornerstone's dicom-image-loader applies slope/intercept while decoding by default (image.preScale.scaled). */
  readonly preScaled: boolean;
  readonly color: boolean;
  readonly modality: string;
  readonly rowPixelSpacing?: number;
  readonly columnPixelSpacing?: number;
}

function copyPixels(pixels: ImageFields['pixels']): PixelArray {
  const source = pixels as unknown as PixelArray;
  for (const Type of [Int16Array, Uint16Array, Uint8Array, Int8Array, Float32Array, Int32Array, Uint32Array, Float64Array]) {
    if (source instanceof Type) return source.slice() as PixelArray;
  }
  return Float32Array.from(pixels);
}

/** Colour images arrive as RGBA or RGB from cornerstone; the core wants interleaved RGB. */
function toRgb(pixels: ImageFields['pixels'], count: number): Uint8Array {
  const components = pixels.length / count;
  if (components !== 3 && components !== 4) throw new Error(`a colour image with ${components} samples per pixel`);
  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    out[3 * i] = pixels[components * i];
    out[3 * i + 1] = pixels[components * i + 1];
    out[3 * i + 2] = pixels[components * i + 2];
  }
  return out;
}

/**
 * A cornerstone image → the core's SourceImage, always as a private copy (it is moved to the worker).
 * Pre-scaled pixels are already in modality units (HU for CT): then the modality LUT is the identity.
 */
export function toSourceImage(f: ImageFields): SourceImage {
  const count = f.rows * f.columns;
  const spacing: readonly [number, number] | undefined =
    f.rowPixelSpacing && f.columnPixelSpacing && f.rowPixelSpacing > 0 && f.columnPixelSpacing > 0 ? [f.rowPixelSpacing, f.columnPixelSpacing] : undefined;
  const base = { rows: f.rows, columns: f.columns, modality: f.modality || 'OT', ...(spacing ? { pixelSpacing: spacing } : {}) };
  if (f.color) return { ...base, samplesPerPixel: 3, pixels: toRgb(f.pixels, count), rescaleSlope: 1, rescaleIntercept: 0 };
  if (f.pixels.length !== count) throw new Error(`the image holds ${f.pixels.length} values for ${f.rows}×${f.columns} pixels`);
  return {
    ...base,
    samplesPerPixel: 1,
    pixels: copyPixels(f.pixels),
    rescaleSlope: f.preScaled ? 1 : f.slope,
    rescaleIntercept: f.preScaled ? 0 : f.intercept,
  };
}

/** The frame number of a multi-frame imageId (wadors ".../frames/N", wadouri "...&frame=N"); 1 otherwise. */
export function frameOfImageId(imageId: string): number {
  const match = /\/frames\/(\d+)(?:$|[/?#])/.exec(imageId) ?? /[?&]frame=(\d+)/.exec(imageId);
  return match ? Number(match[1]) : 1;
}

/** Mask area in mm² from its pixel count and the pixel spacing; null when the spacing is unknown. */
export function areaMm2(areaPixels: number, spacing: readonly [number, number] | undefined): number | null {
  return spacing ? areaPixels * spacing[0] * spacing[1] : null;
}
