/**
 * Reads a folder of DICOM files as one volume: the images of one series (or the frames of one multi-frame
 * file), ordered by position along the slice normal (ascending), with the geometry a 3D result needs
 * (positions for the slice spacing and the NIfTI affine). Files that are not DICOM are skipped; several
 * series, mixed sizes or orientations are refused in plain words.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { offsetsAlongNormal, type Vector3 } from '../pipeline/volume/measure';
import { hasDicomPreamble } from './dicomDataset';
import { imageError } from './errors';
import { readDicomImage, readDicomInfo, type DicomSourceImage } from './readDicom';

export interface SeriesGeometry {
  /** ImagePositionPatient of each slice, in slice order (LPS, mm). */
  readonly positions?: readonly Vector3[];
  readonly orientation?: readonly [number, number, number, number, number, number];
  /** Position of each slice along the normal, mm (when positions and orientation are known). */
  readonly offsetsMm?: readonly number[];
}

export interface DicomSeries {
  readonly slices: readonly DicomSourceImage[];
  readonly geometry: SeriesGeometry;
  readonly seriesInstanceUID?: string;
  readonly files: number;
}

interface Candidate {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly frame: number;
  readonly info: ReturnType<typeof readDicomInfo>;
}

async function candidates(folder: string): Promise<Candidate[]> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch (e) {
    throw imageError(`${folder}: cannot list the folder (${e instanceof Error ? e.message : String(e)})`);
  }
  const out: Candidate[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const bytes = new Uint8Array(await readFile(path));
    if (!hasDicomPreamble(bytes)) continue;
    let info;
    try {
      info = readDicomInfo(bytes);
    } catch {
      continue; // DICOM files without an image (SEG, SR, presentation states) belong to no volume
    }
    for (let frame = 0; frame < info.numberOfFrames; frame++) {
      out.push({ path, bytes, frame, info: frame === 0 ? info : readDicomInfo(bytes, frame) });
    }
  }
  return out;
}

export async function readDicomSeries(folder: string): Promise<DicomSeries> {
  const all = await candidates(folder);
  if (all.length === 0) throw imageError(`${folder}: no DICOM images found in the folder`);
  const series = [...new Set(all.map((c) => c.info.seriesInstanceUID ?? ''))];
  if (series.length > 1) {
    throw imageError(`${folder}: holds ${series.length} series (${series.join(', ')}); put one series in the folder`);
  }
  const first = all[0].info;
  for (const c of all) {
    if (c.info.rows !== first.rows || c.info.columns !== first.columns) {
      throw imageError(`${c.path}: ${c.info.columns}×${c.info.rows} differs from the series' ${first.columns}×${first.rows}`);
    }
  }
  const orientation = first.imageOrientationPatient;
  const havePositions = orientation && all.every((c) => c.info.imagePositionPatient);
  if (havePositions) {
    for (const c of all) {
      const o = c.info.imageOrientationPatient;
      if (!o || o.some((v, i) => Math.abs(v - orientation[i]) > 1e-4)) {
        throw imageError(`${c.path}: its orientation differs from the rest of the series; a volume needs one orientation`);
      }
    }
  }
  const keyed = all.map((c) => ({ c, key: havePositions ? offsetsAlongNormal([c.info.imagePositionPatient!], orientation)[0] : (c.info.instanceNumber ?? 0) }));
  keyed.sort((a, b) => a.key - b.key || (a.c.info.instanceNumber ?? 0) - (b.c.info.instanceNumber ?? 0));
  if (havePositions) {
    for (let i = 1; i < keyed.length; i++) {
      if (Math.abs(keyed[i].key - keyed[i - 1].key) < 1e-3) {
        throw imageError(`${keyed[i].c.path} and ${keyed[i - 1].c.path} lie at the same position: the folder holds repeated slices`);
      }
    }
  }
  const slices = keyed.map(({ c }) => readDicomImage(c.bytes, c.frame));
  const positions = havePositions ? keyed.map(({ c }) => c.info.imagePositionPatient!) : undefined;
  return {
    slices,
    geometry: { positions, orientation: havePositions ? orientation : undefined, offsetsMm: havePositions ? keyed.map((k) => k.key) : undefined },
    seriesInstanceUID: first.seriesInstanceUID,
    files: new Set(all.map((c) => c.path)).size,
  };
}
