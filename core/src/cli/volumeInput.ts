/** The segment3d command's --series: a DICOM folder or a NIfTI file, read as slices plus the geometry to write back. */
import { stat, readFile } from 'node:fs/promises';
import type { SourceImage } from '../pipeline/image';
import { sliceSpacing } from '../pipeline/volume/measure';
import { imageError } from '../io/errors';
import { readDicomSeries } from '../io/readDicomSeries';
import { gunzipIfNeeded, readNiftiVolume } from '../io/readNifti';
import { niftiMaskForDicom, niftiMaskLike, type MaskVolume } from '../io/writeNiftiMask';

export interface VolumeInput {
  readonly slices: readonly SourceImage[];
  readonly rows: number;
  readonly columns: number;
  readonly pixelSpacing?: readonly [number, number];
  /** Slab thickness per slice (mm) for volumes, or null when the spacing is unknown. */
  readonly slabMm: ((slice: number) => number) | null;
  readonly describe: Record<string, unknown>;
  /** The mask as NIfTI bytes on the input's grid and geometry. */
  writeMask(mask: MaskVolume): Uint8Array;
}

export async function loadVolumeInput(path: string): Promise<VolumeInput> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch {
    throw imageError(`${path}: not found`);
  }
  return isFolder ? dicomVolume(path) : niftiVolume(path);
}

async function dicomVolume(folder: string): Promise<VolumeInput> {
  const series = await readDicomSeries(folder);
  const first = series.slices[0];
  const spacing = series.geometry.offsetsMm ? sliceSpacing(series.geometry.offsetsMm) : null;
  return {
    slices: series.slices,
    rows: first.rows,
    columns: first.columns,
    pixelSpacing: first.pixelSpacing,
    slabMm: spacing ? (k) => spacing.perSliceMm[k] : null,
    describe: {
      format: 'dicom-series',
      seriesInstanceUID: series.seriesInstanceUID,
      files: series.files,
      modality: first.modality,
      sliceSpacing: spacing
        ? { source: 'ImagePositionPatient', medianMm: spacing.medianMm, uniform: spacing.uniform }
        : { source: 'unknown (fewer than two slices or no ImagePositionPatient)' },
    },
    writeMask: (mask) => niftiMaskForDicom(series.geometry, first.pixelSpacing, spacing?.medianMm, mask),
  };
}

async function niftiVolume(path: string): Promise<VolumeInput> {
  let bytes: Uint8Array;
  try {
    bytes = gunzipIfNeeded(new Uint8Array(await readFile(path)));
  } catch (e) {
    throw imageError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let volume;
  try {
    volume = readNiftiVolume(bytes);
  } catch (e) {
    throw imageError(`${path}: ${e instanceof Error ? e.message : String(e)} (--series takes a DICOM folder or a NIfTI file)`);
  }
  const slab = volume.header.voxelSize[2];
  return {
    slices: volume.slices,
    rows: volume.rows,
    columns: volume.columns,
    pixelSpacing: volume.slices[0].pixelSpacing,
    slabMm: slab > 0 ? () => slab : null,
    describe: { format: 'nifti', sliceSpacing: { source: 'NIfTI pixdim[3]', medianMm: slab, uniform: true } },
    writeMask: (mask) => niftiMaskLike(bytes, mask),
  };
}
