/**
 * Reads NIfTI-1/NIfTI-2 single files (.nii, or gzipped .nii.gz) into SourceImages.
 *
 * Geometry: no reorientation. Slice k is the plane k along the third dimension (dim[3]); in the image,
 * rows run along dim[2] (j) and columns along dim[1] (i), i.e. row r, column c is voxel (i = c, j = r, k),
 * exactly the file's storage order. How that looks on screen depends on the file's qform/sform (for a
 * RAS-oriented volume the image appears upside down compared with a radiological display), but a mask
 * computed on it lies on the same voxel grid. pixelSpacing is [pixdim[2], pixdim[1]] in mm.
 * Values are stored values; scl_slope/scl_inter become rescaleSlope/rescaleIntercept (slope 0: none).
 * A 4D file gives the volume at `volume` (default 0) of its fourth dimension.
 */
import { gunzipSync } from 'node:zlib';
import type { PixelArray, SourceImage } from '../pipeline/image';
import { imageError } from './errors';
import { parseNiftiHeader, type NiftiHeader } from './niftiHeader';

export type { NiftiHeader } from './niftiHeader';

export interface NiftiReadOptions {
  /** DICOM modality code to report; NIfTI does not record one. Default 'MR'. */
  readonly modality?: string;
  /** Index along the fourth dimension for 4D files. Default 0. */
  readonly volume?: number;
}

export interface NiftiSourceImage extends SourceImage {
  readonly nifti: NiftiHeader & { readonly slice: number; readonly volume: number };
}

export interface NiftiVolume {
  readonly header: NiftiHeader;
  readonly columns: number;
  readonly rows: number;
  readonly sliceCount: number;
  /** All voxels of the volume, i fastest, then j, then k (stored values). */
  readonly voxels: PixelArray;
  /** One SourceImage per k, each a view into `voxels`. */
  readonly slices: readonly NiftiSourceImage[];
}

const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

export function gunzipIfNeeded(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (thrown) {
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    throw imageError(`gzip data is corrupt or truncated (${reason})`);
  }
}

type ArrayCtor = new (buffer: ArrayBuffer, offset: number, length: number) => PixelArray;

const CTORS: Readonly<Record<string, ArrayCtor>> = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Copies `count` voxels starting at voxel `first` into a typed array, swapping bytes if big endian. */
function voxelsAt(data: Uint8Array, header: NiftiHeader, first: number, count: number): PixelArray {
  const size = header.datatype.bytes;
  const start = header.voxOffset + first * size;
  const end = start + count * size;
  if (data.length < end) {
    throw imageError(`NIfTI image data is truncated: need ${end} bytes, the file has ${data.length}`);
  }
  const copy = new Uint8Array(data.subarray(start, end)); // a copy (Buffer.slice would be a view)
  if (!header.littleEndian && size > 1) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  return new CTORS[header.datatype.name](copy.buffer, 0, count);
}

interface Layout {
  readonly columns: number;
  readonly rows: number;
  readonly sliceCount: number;
  readonly volumeStart: number;
}

function layout(header: NiftiHeader, volume: number): Layout {
  const [columns, rows = 1, sliceCount = 1, volumes = 1, ...rest] = header.dims;
  if (rest.some((n) => n > 1)) {
    throw imageError(`NIfTI images with more than 4 dimensions are not supported (dims ${header.dims.join('×')})`);
  }
  if (!Number.isInteger(volume) || volume < 0 || volume >= volumes) {
    throw imageError(`volume ${volume} is out of range: the file has ${volumes} (0 to ${volumes - 1})`);
  }
  return { columns, rows, sliceCount, volumeStart: volume * columns * rows * sliceCount };
}

function sliceImage(
  pixels: PixelArray,
  header: NiftiHeader,
  at: Layout,
  slice: number,
  volume: number,
  modality: string,
): NiftiSourceImage {
  const [sx, sy] = header.voxelSize;
  return {
    rows: at.rows,
    columns: at.columns,
    samplesPerPixel: 1,
    pixels,
    rescaleSlope: header.sclSlope,
    rescaleIntercept: header.sclInter,
    modality,
    pixelSpacing: sx > 0 && sy > 0 ? [sy, sx] : undefined,
    nifti: { ...header, slice, volume },
  };
}

export function readNiftiSlice(
  bytes: Uint8Array,
  sliceIndex?: number,
  options: NiftiReadOptions = {},
): NiftiSourceImage {
  const data = gunzipIfNeeded(bytes);
  const header = parseNiftiHeader(data);
  const volume = options.volume ?? 0;
  const at = layout(header, volume);
  const slice = sliceIndex ?? Math.floor(at.sliceCount / 2);
  if (!Number.isInteger(slice) || slice < 0 || slice >= at.sliceCount) {
    const last = at.sliceCount - 1;
    throw imageError(`slice ${slice} is out of range: the volume has ${at.sliceCount} slices (0 to ${last})`);
  }
  const perSlice = at.columns * at.rows;
  const pixels = voxelsAt(data, header, at.volumeStart + slice * perSlice, perSlice);
  return sliceImage(pixels, header, at, slice, volume, options.modality ?? 'MR');
}

export function readNiftiVolume(bytes: Uint8Array, options: NiftiReadOptions = {}): NiftiVolume {
  const data = gunzipIfNeeded(bytes);
  const header = parseNiftiHeader(data);
  const volume = options.volume ?? 0;
  const at = layout(header, volume);
  const perSlice = at.columns * at.rows;
  const voxels = voxelsAt(data, header, at.volumeStart, perSlice * at.sliceCount);
  const modality = options.modality ?? 'MR';
  const slices = Array.from({ length: at.sliceCount }, (_, k) =>
    sliceImage(voxels.subarray(k * perSlice, (k + 1) * perSlice), header, at, k, volume, modality),
  );
  return { header, columns: at.columns, rows: at.rows, sliceCount: at.sliceCount, voxels, slices };
}
