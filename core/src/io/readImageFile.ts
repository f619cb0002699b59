/**
 * Reads an image file for the CLI, recognising the format by content (not by name): DICOM Part 10 ("DICM"
 * after the preamble), NIfTI-1/2 (.nii, gzipped or not) or PNG. Errors name the file and the problem.
 */
import { readFile } from 'node:fs/promises';
import type { SourceImage } from '../pipeline/image';
import { MedSamError } from '../pipeline/errors';
import { hasDicomPreamble } from './dicomDataset';
import { imageError } from './errors';
import { isPng, readPng } from './png';
import { readDicomImage, type DicomSourceImage, type ReadDicomOptions } from './readDicom';
import { gunzipIfNeeded, readNiftiSlice, type NiftiSourceImage } from './readNifti';

export interface ReadImageOptions extends ReadDicomOptions {
  /** NIfTI: slice index along the third dimension (default: the middle one). */
  readonly slice?: number;
  /** DICOM: frame index, 0-based (default 0). */
  readonly frame?: number;
  /** NIfTI: index along the fourth dimension (default 0). */
  readonly volume?: number;
  /** NIfTI: modality to report (default 'MR'); NIfTI does not record one. */
  readonly modality?: string;
}

export type LoadedImage =
  | { readonly format: 'dicom'; readonly image: DicomSourceImage }
  | { readonly format: 'nifti'; readonly image: NiftiSourceImage }
  | { readonly format: 'png'; readonly image: SourceImage };

export type ImageFormat = LoadedImage['format'];

function looksLikeNifti(bytes: Uint8Array): boolean {
  if (bytes.length < 348) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [348, 540].includes(view.getInt32(0, true)) || [348, 540].includes(view.getInt32(0, false));
}

/** A DICOM dataset written without the Part 10 preamble starts with a group 0x0002 or 0x0008 tag. */
function looksLikeRawDicom(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && (bytes[0] === 0x02 || bytes[0] === 0x08) && bytes[1] === 0x00;
}

/** The format of (already gunzipped) file contents. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat {
  if (hasDicomPreamble(bytes)) return 'dicom';
  if (isPng(bytes)) return 'png';
  if (looksLikeNifti(bytes)) return 'nifti';
  if (looksLikeRawDicom(bytes)) {
    throw imageError('looks like a DICOM dataset without the Part 10 header ("DICM" preamble), which is not supported');
  }
  throw imageError('unsupported file format: not DICOM, NIfTI (.nii/.nii.gz) or PNG');
}

const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = { dicom: 'DICOM', nifti: 'NIfTI', png: 'PNG' };

function reject(option: string, format: ImageFormat, hint: string): never {
  throw imageError(`option ${option} does not apply to a ${FORMAT_NAMES[format]} file (${hint})`);
}

/** Decodes file contents already in memory. */
export function readImageBytes(fileBytes: Uint8Array, options: ReadImageOptions = {}): LoadedImage {
  const bytes = gunzipIfNeeded(fileBytes);
  const format = detectImageFormat(bytes);
  if (bytes !== fileBytes && format !== 'nifti') throw imageError('gzip file does not contain a NIfTI image');
  switch (format) {
    case 'dicom':
      if (options.slice !== undefined) reject('slice', format, 'use frame for multi-frame DICOM');
      return { format, image: readDicomImage(bytes, options.frame ?? 0, options) };
    case 'nifti':
      if (options.frame !== undefined) reject('frame', format, 'use slice');
      return {
        format,
        image: readNiftiSlice(bytes, options.slice, { modality: options.modality, volume: options.volume }),
      };
    case 'png':
      if (options.slice !== undefined) reject('slice', format, 'a PNG has one image');
      if (options.frame !== undefined) reject('frame', format, 'a PNG has one image');
      return { format, image: readPng(bytes) };
  }
}

function fileSystemProblem(thrown: unknown): string {
  const code = (thrown as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return `cannot be read (${thrown instanceof Error ? thrown.message : String(thrown)})`;
  }
}

export async function readImageFile(path: string, options: ReadImageOptions = {}): Promise<LoadedImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (thrown) {
    throw imageError(`${path}: ${fileSystemProblem(thrown)}`);
  }
  if (bytes.length === 0) throw imageError(`${path}: file is empty`);
  try {
    return readImageBytes(bytes, options);
  } catch (thrown) {
    if (thrown instanceof MedSamError) throw new MedSamError(thrown.code, `${path}: ${thrown.message}`);
    throw thrown;
  }
}
