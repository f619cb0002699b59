// dataset.json: what a fine-tuning run needs to trust the .npz files beside it — where every case came from,
// how it was normalised, which encoder made the embeddings, and the train/validation split by patient.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { CodedConcept } from '../../../../extensions/medsam/src/seg/codes';
import type { NormalizationRecord } from '../../pipeline/normalize';
import type { EncoderIdentity } from './datasetEncoder';
import type { Skipped } from './segmentCases';

export const DATASET_SCHEMA = 'medsam-ohif/finetune-dataset@1';
export const DATASET_FILE = 'dataset.json';

export interface DatasetCaseRecord {
  readonly id: string;
  readonly file: string;
  readonly sha256: string;
  readonly patientId: string;
  readonly studyDate?: string;
  readonly studyInstanceUID: string;
  readonly sourceSeriesInstanceUID: string;
  readonly segSeriesInstanceUID: string;
  readonly segSopInstanceUID: string;
  readonly segmentNumber: number;
  readonly label: string;
  readonly category: CodedConcept;
  readonly type: CodedConcept;
  readonly normalization: NormalizationRecord;
  /** Source slices in the order of the arrays' first axis. */
  readonly slices: readonly { readonly sopInstanceUID: string; readonly frameNumber?: number; readonly rows: number; readonly columns: number; readonly areaPixels: number }[];
  split: 'train' | 'validation';
}

export interface DatasetManifest {
  readonly schema: typeof DATASET_SCHEMA;
  readonly source: string;
  readonly filters: Record<string, unknown>;
  readonly encoder: EncoderIdentity;
  readonly encoderBackend: string;
  readonly layout: {
    readonly format: 'npz (zip of .npy, stored)';
    readonly arrays: Record<string, string>;
    readonly maskResize: string;
    readonly imageResize: string;
  };
  readonly split: { readonly by: 'patient'; readonly validationFraction: number; train: string[]; validation: string[] };
  cases: DatasetCaseRecord[];
  skipped: Skipped[];
  /** False while a run is under way or after it stopped early: run the same command again to continue. */
  complete: boolean;
}

export async function readDatasetManifest(path: string): Promise<DatasetManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const json = JSON.parse(text) as DatasetManifest;
  if (json.schema !== DATASET_SCHEMA) throw new Error(`${path} is not a MedSAM fine-tuning dataset manifest (schema ${String(json.schema)})`);
  return json;
}

/** Written to a temporary name then renamed: an interrupted run never leaves half a manifest. */
export async function writeDatasetManifest(path: string, manifest: DatasetManifest): Promise<void> {
  await writeFile(`${path}.partial`, JSON.stringify(manifest, null, 2) + '\n');
  await rename(`${path}.partial`, path);
}

const patientOrder = (id: string) => createHash('sha256').update(`medsam-split:${id}`).digest('hex');

/**
 * Patients → validation or training. Deterministic (by a hash of the patient ID, so adding cases later does
 * not reshuffle everyone), at least one validation patient once there are two unless the fraction is 0 (then
 * none: train.py then keeps the last epoch), never a patient on both sides.
 */
export function splitByPatient(patients: readonly string[], fraction: number, forced: readonly string[] = []): { train: string[]; validation: string[] } {
  const unique = [...new Set(patients)];
  const ordered = unique.filter((p) => !forced.includes(p)).sort((a, b) => (patientOrder(a) < patientOrder(b) ? -1 : 1));
  const want = forced.length || fraction === 0 ? 0 : unique.length >= 2 ? Math.max(1, Math.round(unique.length * fraction)) : 0;
  const validation = [...unique.filter((p) => forced.includes(p)), ...ordered.slice(0, want)];
  return { train: unique.filter((p) => !validation.includes(p)).sort(), validation: validation.sort() };
}
