import { MedSamError } from './errors';
import type { PixelArray, SourceImage, Uint8Image } from './image';
import { percentiles } from './percentile';

/** CT windows from MedSAM's paper (v1) and its journal version; the default is the paper's [-500, 1000]. */
export const CT_WINDOW_PRESETS = {
  'medsam-paper': { lower: -500, upper: 1000 },
  'soft-tissue': windowFromLevel(40, 400),
  lung: windowFromLevel(-160, 1500),
  brain: windowFromLevel(40, 80),
  bone: windowFromLevel(400, 1800),
} as const;

export type CtWindowPreset = keyof typeof CT_WINDOW_PRESETS;
export const DEFAULT_CT_WINDOW: CtWindowPreset = 'medsam-paper';

/** Percentiles of the non-zero voxels that bound the intensity range for MR and other modalities. */
export const PERCENTILE_RANGE = { lower: 0.5, upper: 99.5 } as const;

export interface IntensityWindow {
  readonly lower: number;
  readonly upper: number;
}

/** The rules a user can choose by name (CLI --normalization, the viewer's `normalization` setting). */
export const NORMALIZATION_CHOICES = ['auto', 'ct', 'percentile', 'none'] as const;
export type NormalizationChoice = (typeof NORMALIZATION_CHOICES)[number];

/** How to turn stored values into the 8-bit image MedSAM sees. */
export type NormalizationSpec =
  /**
   * Pick by the image: RGB and 8-bit picture files pass through, CT uses the default window, everything
   * else percentiles.
   */
  | { readonly kind: 'auto' }
  | { readonly kind: 'ct-window'; readonly preset?: CtWindowPreset; readonly window?: IntensityWindow }
  /** `bounds` are the 0.5/99.5 percentiles computed beforehand over a whole series; absent: this image's. */
  | { readonly kind: 'percentile'; readonly bounds?: IntensityWindow }
  | { readonly kind: 'rgb' }
  /** The stored values as they are (they must be whole numbers in 0–255), grey or RGB: MedSAM on image files. */
  | { readonly kind: 'none' };

/** What was done, recorded with every result (and in DICOM-SEG). */
export type NormalizationRecord =
  | { readonly rule: 'ct-window'; readonly lower: number; readonly upper: number; readonly preset?: CtWindowPreset }
  | { readonly rule: 'percentile'; readonly lower: number; readonly upper: number; readonly scope: 'series' | 'image' }
  | { readonly rule: 'rgb' }
  | { readonly rule: 'none' };

export interface NormalizedImage {
  readonly image: Uint8Image;
  readonly record: NormalizationRecord;
}

function windowFromLevel(level: number, width: number): IntensityWindow {
  return { lower: level - width / 2, upper: level + width / 2 };
}

/** Stored values → modality units (HU for CT) with RescaleSlope/Intercept. */
export function modalityValues(image: SourceImage): Float64Array {
  const { pixels, rescaleSlope: slope, rescaleIntercept: intercept } = image;
  const out = new Float64Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] * slope + intercept;
  return out;
}

/** Describes a spec in words, for errors and summaries. */
export function describeNormalization(record: NormalizationRecord): string {
  switch (record.rule) {
    case 'ct-window':
      return `CT window [${record.lower}, ${record.upper}] HU${record.preset ? ` (${record.preset})` : ''}`;
    case 'percentile':
      return `${PERCENTILE_RANGE.lower}/${PERCENTILE_RANGE.upper} percentiles of non-zero voxels over the ${record.scope}: [${record.lower}, ${record.upper}]`;
    case 'rgb':
      return 'RGB used as is';
    case 'none':
      return '8-bit values used as they are (no intensity normalisation)';
  }
}

/**
 * The 0.5th and 99.5th percentiles of the non-zero voxels (modality units) of one image or a whole series:
 * MedSAM's bounds for MR and other non-CT images. Computing them over the series keeps slices consistent.
 */
export function percentileBounds(images: readonly SourceImage[]): IntensityWindow {
  // The reference takes `v[v > 0]`: for MR, PET and the like "non-zero" and "positive" coincide.
  const perImage = images.map(modalityValues);
  let count = 0;
  for (const values of perImage) for (const v of values) if (v > 0) count++;
  if (count === 0) throw new MedSamError('BAD_IMAGE', 'the image has no positive voxels: nothing to segment');
  const positive = new Float64Array(count);
  let k = 0;
  for (const values of perImage) for (const v of values) if (v > 0) positive[k++] = v;
  const [lower, upper] = percentiles(positive, [PERCENTILE_RANGE.lower, PERCENTILE_RANGE.upper]);
  return { lower, upper };
}

/** Clips to [lower, upper] and scales that range to 0–255 with uint8 truncation, as the reference does. */
function scaleToUint8(values: Float64Array, { lower, upper }: IntensityWindow, keepZeros: boolean): Uint8Array {
  const out = new Uint8Array(values.length);
  const range = upper - lower;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (keepZeros && v === 0) continue;
    if (range <= 0) continue; // a flat image maps to 0, like numpy's nan→0 cast would not: be explicit
    const c = v < lower ? lower : v > upper ? upper : v;
    out[i] = Math.trunc(((c - lower) / range) * 255);
  }
  return out;
}

function resolveSpec(image: SourceImage, spec: NormalizationSpec): Exclude<NormalizationSpec, { kind: 'auto' }> {
  if (spec.kind !== 'auto') return spec;
  if (image.samplesPerPixel === 3) return { kind: 'rgb' };
  if (image.eightBitFile) return { kind: 'none' };
  if (image.modality.toUpperCase() === 'CT') return { kind: 'ct-window', preset: DEFAULT_CT_WINDOW };
  return { kind: 'percentile' };
}

/** Intensity normalisation of one image to MedSAM's 8-bit input (grey, or RGB as is). */
export function normalizeImage(image: SourceImage, spec: NormalizationSpec = { kind: 'auto' }): NormalizedImage {
  const expected = image.rows * image.columns * image.samplesPerPixel;
  if (image.rows < 1 || image.columns < 1 || image.pixels.length !== expected) {
    throw new MedSamError(
      'BAD_IMAGE',
      `image claims ${image.rows}×${image.columns}×${image.samplesPerPixel} samples but holds ${image.pixels.length}`,
    );
  }
  const resolved = resolveSpec(image, spec);
  const { rows, columns } = image;
  if (resolved.kind === 'none') {
    return { image: { rows, columns, channels: image.samplesPerPixel, data: storedAsUint8(image.pixels) }, record: { rule: 'none' } };
  }
  if (resolved.kind === 'rgb') {
    if (image.samplesPerPixel !== 3) throw new MedSamError('BAD_IMAGE', 'RGB normalisation needs a 3-sample (RGB) image');
    return { image: { rows, columns, channels: 3, data: clipToUint8(image.pixels) }, record: { rule: 'rgb' } };
  }
  if (image.samplesPerPixel !== 1) {
    throw new MedSamError('BAD_IMAGE', `${resolved.kind} normalisation needs a greyscale image, got ${image.samplesPerPixel} samples per pixel`);
  }
  const values = modalityValues(image);
  if (resolved.kind === 'ct-window') {
    const preset = resolved.window ? undefined : resolved.preset ?? DEFAULT_CT_WINDOW;
    const window = resolved.window ?? CT_WINDOW_PRESETS[preset!];
    if (!(window.upper > window.lower)) {
      throw new MedSamError('BAD_IMAGE', `CT window [${window.lower}, ${window.upper}] is empty: upper must exceed lower`);
    }
    return {
      image: { rows, columns, channels: 1, data: scaleToUint8(values, window, false) },
      record: { rule: 'ct-window', lower: window.lower, upper: window.upper, ...(preset ? { preset } : {}) },
    };
  }
  const bounds = resolved.bounds ?? percentileBounds([image]);
  return {
    image: { rows, columns, channels: 1, data: scaleToUint8(values, bounds, true) },
    record: { rule: 'percentile', lower: bounds.lower, upper: bounds.upper, scope: resolved.bounds ? 'series' : 'image' },
  };
}

/** The stored values unchanged; refuses values an 8-bit image cannot hold rather than bending them. */
function storedAsUint8(pixels: PixelArray): Uint8Array {
  if (pixels instanceof Uint8Array) return pixels;
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
      throw new MedSamError(
        'BAD_IMAGE',
        `normalisation "none" uses the stored values as they are and needs whole numbers from 0 to 255; this image holds ${v}: choose ct or percentile instead`,
      );
    }
    out[i] = v;
  }
  return out;
}

function clipToUint8(pixels: PixelArray): Uint8Array {
  if (pixels instanceof Uint8Array) return pixels;
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = Math.min(255, Math.max(0, Math.trunc(pixels[i])));
  return out;
}
