// `medsam dataset`: SEGs (folder or PACS) → per-case .npz with embeddings + dataset.json. Resumable: cases
// already written (same id, file present, same hash) are kept; every file is written under a temporary name
// and renamed, so a run stopped at any point leaves only whole files.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MedSamError } from '../../pipeline/errors';
import type { ModelManifest } from '../../pipeline/manifestTypes';
import { prepareImage } from '../../pipeline/predictor';
import { loadManifest } from '../manifestFile';
import { resizeMaskNearest, trainingImage, TRAINING_GRID } from './caseArrays';
import { encoderDifference, encoderIdentity, openDatasetEncoder, type DatasetEncoder } from './datasetEncoder';
import { DATASET_FILE, DATASET_SCHEMA, readDatasetManifest, splitByPatient, writeDatasetManifest, type DatasetCaseRecord, type DatasetManifest } from './datasetManifest';
import type { DatasetOptions } from './datasetOptions';
import { dicomwebSource } from './dicomweb';
import { localFolderSource } from './localFolder';
import { writeNpz } from './npz';
import { casesOfSeg, type PlannedCase, type Skipped } from './segmentCases';
import { ObjectProblem, type DatasetSource } from './source';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const safeName = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '_');

export interface DatasetSummary {
  readonly command: 'dataset';
  readonly out: string;
  readonly source: string;
  readonly encoder: string;
  readonly backend: string;
  readonly cases: number;
  readonly slices: number;
  readonly casesWritten: number;
  readonly casesKept: number;
  readonly skipped: readonly Skipped[];
  readonly split: { readonly train: readonly string[]; readonly validation: readonly string[] };
  readonly timingsMs: { readonly total: number; readonly perSlice: number };
}

/** A case already on disk from an earlier run, unchanged since. */
async function alreadyWritten(out: string, record: DatasetCaseRecord | undefined): Promise<boolean> {
  if (!record || !existsSync(join(out, record.file))) return false;
  return sha256(new Uint8Array(await readFile(join(out, record.file)))) === record.sha256;
}

/** Embeddings of one SEG's slices, shared by its segments (a slice with three organs is encoded once). */
type EmbeddingCache = Map<string, Float32Array>;

async function writeCase(out: string, planned: PlannedCase, manifest: ModelManifest, encoder: DatasetEncoder, cache: EmbeddingCache): Promise<DatasetCaseRecord> {
  const n = planned.slices.length;
  const g = TRAINING_GRID;
  const [, c, h, w] = manifest.embeddingDims;
  const imgs = new Uint8Array(n * g * g * 3);
  const gts = new Uint8Array(n * g * g);
  const embeddings = new Float32Array(n * c * h * w);
  let normalization: DatasetCaseRecord['normalization'] | undefined;
  for (let i = 0; i < n; i++) {
    const slice = planned.slices[i];
    // Exactly the inference path: the same normalisation rule for the whole series, the same resize.
    const prepared = prepareImage(slice.image, manifest, planned.normalization);
    normalization = prepared.normalization;
    const key = `${slice.sopInstanceUID}#${slice.frameNumber ?? 1}`;
    let embedding = cache.get(key);
    if (!embedding) {
      embedding = (await encoder.encode(prepared)).data as Float32Array;
      cache.set(key, embedding);
    }
    embeddings.set(embedding, i * c * h * w);
    imgs.set(trainingImage(slice.image, planned.normalization), i * g * g * 3);
    gts.set(resizeMaskNearest({ rows: slice.image.rows, columns: slice.image.columns, data: slice.mask }, g, g), i * g * g);
  }
  const file = `${safeName(planned.patientId)}_${safeName(planned.id)}.npz`;
  const bytes = writeNpz({
    imgs: { dtype: 'uint8', data: imgs, dims: [n, g, g, 3] },
    gts: { dtype: 'uint8', data: gts, dims: [n, g, g] },
    img_embeddings: { dtype: 'float32', data: embeddings, dims: [n, c, h, w] },
  });
  await writeFile(join(out, `${file}.partial`), bytes);
  await rename(join(out, `${file}.partial`), join(out, file));
  return {
    id: planned.id,
    file,
    sha256: sha256(bytes),
    patientId: planned.patientId,
    ...(planned.studyDate ? { studyDate: planned.studyDate } : {}),
    studyInstanceUID: planned.studyInstanceUID,
    sourceSeriesInstanceUID: planned.sourceSeriesInstanceUID,
    segSeriesInstanceUID: planned.seg.seriesInstanceUID,
    segSopInstanceUID: planned.seg.sopInstanceUID,
    segmentNumber: planned.segment.segmentNumber,
    label: planned.segment.label,
    category: planned.segment.category,
    type: planned.segment.type,
    normalization: normalization!,
    slices: planned.slices.map((s) => ({ sopInstanceUID: s.sopInstanceUID, ...(s.frameNumber !== undefined ? { frameNumber: s.frameNumber } : {}), rows: s.image.rows, columns: s.image.columns, areaPixels: s.areaPixels })),
    split: 'train',
  };
}

export async function runDataset(options: DatasetOptions, log: (line: string) => void): Promise<DatasetSummary> {
  const t0 = performance.now();
  const manifest = await loadManifest(options.model);
  const identity = encoderIdentity(manifest);
  await mkdir(options.out, { recursive: true });
  const manifestPath = join(options.out, DATASET_FILE);
  const previous = await readDatasetManifest(manifestPath);
  if (previous) {
    const difference = encoderDifference(previous.encoder, identity);
    if (difference) {
      throw new MedSamError('MODEL_CONTRACT', `${manifestPath} holds embeddings from another encoder (${difference}): embeddings of two encoders cannot be mixed; choose another --out`);
    }
  }
  const skipped: Skipped[] = [];
  const skip = (s: Skipped) => {
    skipped.push(s);
    if (!options.quiet) log(`skipped ${s.object}: ${s.reason}`);
  };
  const source: DatasetSource =
    options.source.kind === 'folder'
      ? await localFolderSource(options.source.folder, (path, reason) => skip({ object: path, reason: `unreadable DICOM file: ${reason}` }))
      : dicomwebSource({ url: options.source.url, token: options.source.token });
  const segs = await source.findSegs(options.study);
  const encoder = await openDatasetEncoder(manifest, options.model, options.encoder);

  const state: DatasetManifest = {
    schema: DATASET_SCHEMA,
    source: source.description,
    filters: { ...options.study, ...options.segments, ctNormalization: options.ctNormalization },
    encoder: identity,
    encoderBackend: encoder.backend,
    layout: {
      format: 'npz (zip of .npy, stored)',
      arrays: { imgs: `[n, ${TRAINING_GRID}, ${TRAINING_GRID}, 3] uint8`, gts: `[n, ${TRAINING_GRID}, ${TRAINING_GRID}] uint8 0/1`, img_embeddings: `[n, ${manifest.embeddingDims.slice(1).join(', ')}] float32` },
      maskResize: `nearest neighbour (skimage order 0) stretch to ${TRAINING_GRID}×${TRAINING_GRID}: the decoder's low-res grid`,
      imageResize: `normalised 8-bit image, skimage order-3 stretch to ${TRAINING_GRID}×${TRAINING_GRID}, grey ×3 (for inspection; training uses the embeddings)`,
    },
    split: { by: 'patient', validationFraction: options.validationFraction, train: [], validation: [] },
    cases: [],
    skipped,
    complete: false,
  };
  const earlier = new Map((previous?.cases ?? []).map((c) => [c.id, c]));
  let written = 0;
  let kept = 0;
  let slices = 0;
  let encodeMs = 0;
  let encodedSlices = 0;
  try {
    for (const [k, ref] of segs.entries()) {
      let planned: PlannedCase[];
      try {
        planned = await casesOfSeg(source, ref, options.segments, options.ctNormalization, skip);
      } catch (e) {
        if (!(e instanceof ObjectProblem)) throw e;
        skip({ object: e.object, reason: e.message });
        continue;
      }
      const cache: EmbeddingCache = new Map();
      for (const p of planned) {
        const old = earlier.get(p.id);
        let record: DatasetCaseRecord;
        if (old && (await alreadyWritten(options.out, old))) {
          record = old;
          kept++;
        } else {
          const t = performance.now();
          record = await writeCase(options.out, p, manifest, encoder, cache);
          encodeMs += performance.now() - t;
          encodedSlices += p.slices.length;
          written++;
        }
        state.cases.push(record);
        slices += record.slices.length;
        await writeDatasetManifest(manifestPath, state);
        if (!options.quiet) log(`[${k + 1}/${segs.length} SEGs] ${record.file}: ${record.slices.length} slices (${record.label}, patient ${record.patientId})${record === old ? ' (kept from an earlier run)' : ''}`);
      }
    }
  } finally {
    await encoder.release();
  }
  if (state.cases.length === 0) {
    await writeDatasetManifest(manifestPath, state);
    throw new MedSamError('BAD_IMAGE', `no case found in ${source.description} (${segs.length} SEGs searched, ${skipped.length} objects skipped)`);
  }
  const split = splitByPatient(state.cases.map((c) => c.patientId), options.validationFraction, options.validationPatients);
  state.split.train = split.train;
  state.split.validation = split.validation;
  for (const c of state.cases) c.split = split.validation.includes(c.patientId) ? 'validation' : 'train';
  state.complete = true;
  await writeDatasetManifest(manifestPath, state);
  return {
    command: 'dataset',
    out: options.out,
    source: source.description,
    encoder: identity.modelIdentity,
    backend: encoder.backend,
    cases: state.cases.length,
    slices,
    casesWritten: written,
    casesKept: kept,
    skipped,
    split,
    timingsMs: { total: Math.round(performance.now() - t0), perSlice: encodedSlices ? Math.round((encodeMs / encodedSlices) * 10) / 10 : 0 },
  };
}
