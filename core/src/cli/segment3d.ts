/** `medsam segment3d`: a mask volume from a 3D prompt (core/src/pipeline/volume), written as NIfTI + a JSON summary. */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { checkBox, type Box } from '../pipeline/box';
import { decoderFilesRun } from '../pipeline/modelFile';
import { loadModelPart } from '../pipeline/modelLoader';
import { describeNormalization, percentileBounds, type NormalizationSpec } from '../pipeline/normalize';
import { prepareImage, sessionEncoder } from '../pipeline/predictor';
import { modelInputTransform } from '../pipeline/resize/modelTransform';
import type { Tensor } from '../pipeline/tensor';
import { decodeModelBox } from '../pipeline/volume/decodeModelBox';
import { volumeMl } from '../pipeline/volume/measure';
import { segmentBox3D, segmentFromKeySlices, segmentFromOneBox, type VolumeShape } from '../pipeline/volume/protocols';
import type { SliceModel, VolumeSegmentation } from '../pipeline/volume/types';
import { createNodeBackend } from '../runtimes/backendChoice';
import { startEncoderThread, type PreparedSlice } from '../runtimes/encoderThread';
import { nodeModelSource } from '../runtimes/nodeModelSource';
import { loadManifest, modelSummary } from './manifestFile';
import type { Segment3dOptions } from './segment3dOptions';
import { loadVolumeInput, type VolumeInput } from './volumeInput';

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** As `segment` does for one image: CT keeps its window, other grey volumes share one percentile range. */
function seriesNormalization(requested: NormalizationSpec, volume: VolumeInput): NormalizationSpec {
  const first = volume.slices[0];
  return requested.kind === 'auto' && first.modality.toUpperCase() !== 'CT' && first.samplesPerPixel === 1
    ? { kind: 'percentile', bounds: percentileBounds(volume.slices) }
    : requested;
}

function run(options: Segment3dOptions, model: SliceModel<Tensor>, shape: VolumeShape, check: (box: Box) => Box): Promise<VolumeSegmentation> {
  const hooks = { lookahead: options.lookahead };
  const open = { minAreaPixels: options.minAreaPixels, leakFactor: options.leakFactor, minOverlap: options.minOverlap, maxSlicesPerDirection: options.maxSlicesPerDirection };
  const p = options.prompt;
  switch (p.mode) {
    case 'box3d':
      return segmentBox3D(model, shape, { box: check(p.box), range: p.range, startSlice: p.startSlice }, hooks);
    case 'one-box':
      return segmentFromOneBox(model, shape, { box: check(p.box), slice: p.slice }, open, hooks);
    case 'key-slices':
      return segmentFromKeySlices(model, shape, { keys: p.keys.map((k) => ({ slice: k.slice, box: check(k.box) })), range: p.range }, open, hooks);
  }
}

export async function segment3d(options: Segment3dOptions) {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const manifest = await loadManifest(options.model);
  const volume = await loadVolumeInput(options.series);
  timings.read = performance.now() - t;
  const check = (box: Box) => checkBox(box, volume.rows, volume.columns).box;
  const spec = seriesNormalization(options.normalization, volume);

  t = performance.now();
  const backend = await createNodeBackend(options.backend, options.threads);
  const source = nodeModelSource(options.model);
  // --pipeline: the encoder (with the image's preparation) in a thread of its own, this bundle its script, so
  // that it embeds the next slice while this thread decodes; without it both share this thread and take turns.
  const [thread, encoderSession, decoder] = await Promise.all([
    options.pipeline ? startEncoderThread(__filename, { manifestPath: options.model, backend: options.backend, threads: options.threads }) : null,
    options.pipeline ? null : loadModelPart(manifest, 'encoder', source, backend),
    loadModelPart(manifest, 'decoder', source, backend),
  ]);
  timings.modelLoad = performance.now() - t;

  const prepared = new Map<number, PreparedSlice>();
  let encodeMs = 0;
  let prepareMs = 0;
  const embedHere = async (slice: number) => {
    const p = prepareImage(volume.slices[slice], manifest, spec);
    const t0 = performance.now();
    const embedding = await sessionEncoder(encoderSession!, manifest).encode(p);
    return { embedding, prepared: p, runMs: performance.now() - t0 };
  };
  const model: SliceModel<Tensor> = {
    async embed(slice) {
      const r = thread ? await thread.embed(volume.slices[slice], spec) : await embedHere(slice);
      prepared.set(slice, r.prepared);
      prepareMs += Object.values(r.prepared.timings).reduce((a, b) => a + (b ?? 0), 0);
      encodeMs += r.runMs;
      return r.embedding;
    },
    decode: (embedding, slice, modelBox) => decodeModelBox(decoder, manifest, embedding, prepared.get(slice)!, modelBox),
  };
  const shape: VolumeShape = { transform: modelInputTransform(manifest.profile, manifest.inputSize, volume.rows, volume.columns), sliceCount: volume.slices.length };
  const result = await run(options, model, shape, check);
  await Promise.all([thread?.close(), encoderSession?.release(), decoder.release()]);
  Object.assign(timings, { prepare: prepareMs, encoder: encodeMs, decoder: result.timings.decodeMs, propagation: result.timings.totalMs });

  t = performance.now();
  const perSlice = volume.rows * volume.columns;
  const voxels = new Uint8Array(perSlice * volume.slices.length);
  for (const s of result.slices) voxels.set(s.mask.data, s.slice * perSlice);
  const nifti = volume.writeMask({ columns: volume.columns, rows: volume.rows, slices: volume.slices.length, voxels });
  await writeFile(options.out, options.out.endsWith('.gz') ? gzipSync(nifti) : nifti);
  timings.write = performance.now() - t;

  const spacing = volume.pixelSpacing;
  const kept = result.slices.filter((s) => s.areaPixels > 0);
  const ml = spacing && volume.slabMm ? volumeMl(kept, spacing, volume.slabMm) : null;
  const firstPrepared = prepared.values().next().value as PreparedSlice | undefined;
  const summary = {
    command: 'segment3d',
    series: { path: options.series, rows: volume.rows, columns: volume.columns, slices: volume.slices.length, pixelSpacing: spacing ?? null, ...volume.describe },
    prompt: options.prompt,
    mask: {
      path: options.out,
      voxels: kept.reduce((n, s) => n + s.areaPixels, 0),
      volumeMl: ml === null ? null : round(ml, 3),
      ...(ml === null ? { volumeUnknownBecause: spacing ? 'the slice spacing is unknown' : 'the pixel spacing is unknown' } : {}),
      extent: kept.length ? [kept[0].slice, kept[kept.length - 1].slice] : null,
    },
    slices: result.slices.map((s) => ({
      slice: s.slice,
      areaPixels: s.areaPixels,
      ...(spacing ? { areaMm2: round(s.areaPixels * spacing[0] * spacing[1], 2) } : {}),
      boxSource: s.boxSource,
      modelBox: s.modelBox,
    })),
    order: result.order,
    stops: result.stops,
    cancelled: result.cancelled,
    normalization: firstPrepared ? { ...firstPrepared.normalization, description: describeNormalization(firstPrepared.normalization) } : null,
    model: modelSummary(manifest, decoderFilesRun(manifest, backend, false)),
    backend: backend.name,
    timingsMs: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v)])),
  };
  if (options.summary) await writeFile(options.summary, JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

export function printSegment3dHuman(summary: Awaited<ReturnType<typeof segment3d>>): void {
  const m = summary.mask;
  const extent = m.extent ? `slices ${m.extent[0]}–${m.extent[1]}` : 'no slice';
  console.log(`mask volume written to ${m.path}: ${m.voxels} voxels on ${extent}${m.volumeMl === null ? '' : `, ${m.volumeMl} mL`}`);
  console.log(summary.stops.up.message);
  console.log(summary.stops.down.message);
  console.log(`model: ${summary.model.name}${summary.model.testModel ? ' (test model, not MedSAM)' : ''}`);
}
