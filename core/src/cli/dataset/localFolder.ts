// A folder of DICOM files (any layout, any names) as a dataset source: headers are read once into an index.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getString, hasDicomPreamble, parseDicom } from '../../io/dicomDataset';
import { inDateRange, SourceUnavailableError, type DatasetSource, type SegRef, type StudyFilter } from './source';

const SEG_SOP_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7']);

interface IndexedFile {
  readonly path: string;
  readonly sopClassUID: string;
  readonly sopInstanceUID: string;
  readonly seriesInstanceUID: string;
  readonly studyInstanceUID: string;
  readonly studyDate?: string;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []))),
  );
  return nested.flat().sort();
}

export async function localFolderSource(folder: string, onUnreadable: (path: string, reason: string) => void): Promise<DatasetSource> {
  let paths: string[];
  try {
    paths = await listFiles(folder);
  } catch (e) {
    throw new SourceUnavailableError(`cannot read the folder ${folder}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const index: IndexedFile[] = [];
  for (const path of paths) {
    const bytes = new Uint8Array(await readFile(path));
    if (!hasDicomPreamble(bytes)) continue; // not DICOM: notes, manifests, our own output
    try {
      const { dataset } = parseDicom(bytes);
      const uid = (key: string) => getString(dataset, key) ?? '';
      index.push({
        path,
        sopClassUID: uid('SOPClassUID'),
        sopInstanceUID: uid('SOPInstanceUID'),
        seriesInstanceUID: uid('SeriesInstanceUID'),
        studyInstanceUID: uid('StudyInstanceUID'),
        studyDate: getString(dataset, 'StudyDate'),
      });
    } catch (e) {
      onUnreadable(path, e instanceof Error ? e.message : String(e));
    }
  }
  return {
    description: `folder ${folder}`,
    async findSegs(filter: StudyFilter): Promise<SegRef[]> {
      return index
        .filter((f) => SEG_SOP_CLASSES.has(f.sopClassUID))
        .filter((f) => !filter.studyInstanceUID || f.studyInstanceUID === filter.studyInstanceUID)
        .filter((f) => !filter.seriesInstanceUID || f.seriesInstanceUID === filter.seriesInstanceUID)
        .filter((f) => inDateRange(f.studyDate, filter))
        .map((f) => ({ ...f, where: f.path }));
    },
    async readSeg(ref) {
      return new Uint8Array(await readFile(ref.where));
    },
    async readSeries(studyInstanceUID, seriesInstanceUID) {
      const out = new Map<string, Uint8Array>();
      for (const f of index) {
        if (f.studyInstanceUID === studyInstanceUID && f.seriesInstanceUID === seriesInstanceUID && !SEG_SOP_CLASSES.has(f.sopClassUID)) {
          out.set(f.sopInstanceUID, new Uint8Array(await readFile(f.path)));
        }
      }
      return out;
    },
  };
}
