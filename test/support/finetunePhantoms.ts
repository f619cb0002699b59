// Phantom studies (models/finetune/phantom_study.py) stored as a site's PACS would hold them: CT slices plus
// DICOM-SEGs built by the extension's own SEG builder. The BODY outline (a structure the test model never
// learned) sits in its own SEG, as a radiotherapy structure would, because a BINARY SEG read as one label map
// cannot overlap: the organs go in a second SEG.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSegmentation } from '../../extensions/medsam/src/seg/buildSegmentation';
import { readPart10 } from '../../extensions/medsam/src/seg/part10';
import { sourceFromDataset } from '../../extensions/medsam/src/seg/sourceFromDataset';
import type { SegSegmentInput, SegSourceInstance } from '../../extensions/medsam/src/seg/types';
import { ROOT } from './cli';

/** Phantom label ids (models/testing/phantom.py). */
export const PHANTOM_LABELS = { liver: [4, 11], spleen: [5], kidney_left: [7] } as const;

export interface PhantomStudy {
  readonly patientId: string;
  readonly seed: number;
  readonly study: string;
  readonly series: string;
  readonly labels: string;
  readonly slices: readonly { readonly index: number; readonly sopInstanceUID: string; readonly file: string }[];
}

export function makePhantomStudies(out: string, seeds: readonly number[], slices: readonly number[]): PhantomStudy[] {
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'models/finetune/phantom_study.py'), '--out', out, '--seeds', ...seeds.map(String), '--slices', ...slices.map(String)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`phantom_study.py failed: ${r.stderr}`);
  return (JSON.parse(readFileSync(join(out, 'studies.json'), 'utf8')) as { studies: PhantomStudy[] }).studies;
}

/** A uint8 .npy (C order) → its shape and bytes. */
export function readNpyU8(path: string): { shape: number[]; data: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(path));
  const headerLength = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  if (!header.includes("'|u1'")) throw new Error(`${path} is not uint8`);
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').filter((s) => s.trim()).map(Number);
  return { shape, data: bytes.subarray(10 + headerLength) };
}

export const sourcesOf = (out: string, study: PhantomStudy): SegSourceInstance[] =>
  study.slices.map((s) => sourceFromDataset(readPart10(new Uint8Array(readFileSync(join(out, s.file)))).dataset));

const BODY_TARGET = { category: { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' }, type: { value: '38266002', scheme: 'SCT', meaning: 'Entire body' } };

export interface SegSpec {
  readonly file: string;
  readonly segments: readonly { readonly label: string; readonly target: SegSegmentInput['target']; readonly mask: (labels: Uint8Array, k: number) => boolean }[];
}

export const BODY_SEG: SegSpec = { file: 'seg-body.dcm', segments: [{ label: 'BODY', target: BODY_TARGET, mask: (l, k) => l[k] > 0 }] };
export const ORGAN_SEG: SegSpec = {
  file: 'seg-organs.dcm',
  segments: Object.entries(PHANTOM_LABELS).map(([name, ids]) => ({
    label: name,
    target: name === 'liver' ? 'liver' : name === 'spleen' ? 'spleen' : 'kidney',
    mask: (l: Uint8Array, k: number) => (ids as readonly number[]).includes(l[k]),
  })),
};

/** Builds one SEG of a phantom study and writes it into the study's folder; returns its path. */
export function writePhantomSeg(out: string, study: PhantomStudy, spec: SegSpec, n: number): string {
  const sources = sourcesOf(out, study);
  const labels = readNpyU8(join(out, study.labels));
  const [, rows, columns] = labels.shape;
  const frames = study.slices.map((s, i) => {
    const plane = labels.data.subarray(i * rows * columns, (i + 1) * rows * columns);
    const map = new Uint8Array(rows * columns);
    for (let k = 0; k < map.length; k++) spec.segments.forEach((seg, j) => seg.mask(plane, k) && (map[k] = j + 1));
    return { sopInstanceUID: s.sopInstanceUID, labels: map };
  });
  const bytes = buildSegmentation({
    sources,
    segments: spec.segments.map((s, j) => ({ segmentNumber: j + 1, label: s.label, target: s.target })),
    frames,
    options: { seriesInstanceUID: `${study.series}.9${n}`, sopInstanceUID: `${study.series}.8${n}`, seriesDescription: `phantom ${spec.file}`, contentDateTime: new Date(2024, 0, 1) },
  });
  const path = join(out, study.patientId, spec.file);
  writeFileSync(path, bytes);
  return path;
}
