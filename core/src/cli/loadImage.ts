import { readFile } from 'node:fs/promises';
import type { SourceImage } from '../pipeline/image';
import { readImageFile } from '../io/readImageFile';
import { readNiftiVolume } from '../io/readNifti';

export interface CliImage {
  readonly image: SourceImage;
  /** Every slice of the volume the image came from, when the file holds one (NIfTI): for series-wide percentiles. */
  readonly series?: readonly SourceImage[];
  /** Extra facts for the JSON summary. */
  readonly describe: Record<string, unknown>;
}

/** Reads the CLI's --image; a NIfTI volume is read once and kept whole for series-wide normalisation. */
export async function loadCliImage(path: string, options: { slice?: number; frame?: number }): Promise<CliImage> {
  const loaded = await readImageFile(path, options);
  if (loaded.format === 'dicom') {
    const { dicom } = loaded.image;
    return { image: loaded.image, describe: { format: 'dicom', sopInstanceUID: dicom.sopInstanceUID, transferSyntaxUID: dicom.transferSyntaxUID } };
  }
  if (loaded.format === 'nifti') {
    // The slice is already decoded; the whole volume is read again only for its intensity statistics.
    const volume = readNiftiVolume(await readFile(path));
    return { image: loaded.image, series: volume.slices, describe: { format: 'nifti', slice: loaded.image.nifti.slice } };
  }
  return { image: loaded.image, describe: { format: 'png' } };
}
