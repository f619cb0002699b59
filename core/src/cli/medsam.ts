import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { checkBox } from '../pipeline/box';
import { decoderFilesRun } from '../pipeline/modelFile';
import { loadModelPart } from '../pipeline/modelLoader';
import { describeNormalization, percentileBounds } from '../pipeline/normalize';
import { prepareImage, segmentBox, sessionEncoder, type StageTimings } from '../pipeline/predictor';
import { writeMaskPng } from '../io/png';
import { createNodeBackend } from '../runtimes/backendChoice';
import { isEncoderThread, serveEncoderThread } from '../runtimes/encoderThread';
import { nodeModelSource } from '../runtimes/nodeModelSource';
import { datasetMain } from './dataset/datasetCommand';
import { EXIT, exitCodeFor } from './exitCodes';
import { loadCliImage } from './loadImage';
import { loadManifest, modelSummary } from './manifestFile';
import { float32ToNpy } from './npy';
import { parseCommand, USAGE, type CommonOptions, type SegmentOptions } from './options';
import { runSegment3d, SEGMENT3D_USAGE } from './segment3dCommand';

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Everything both commands share: manifest, image, normalisation, encoder run. */
async function embedImage(options: CommonOptions, timings: StageTimings, validate?: (rows: number, columns: number) => void) {
  let t = performance.now();
  const manifest = await loadManifest(options.model);
  const loaded = await loadCliImage(options.image, { slice: options.slice, frame: options.frame });
  const { image } = loaded;
  timings.read = performance.now() - t;
  validate?.(image.rows, image.columns);
  // A volume's slices share one percentile range, as MedSAM's reference does over the whole volume.
  const spec =
    options.normalization.kind === 'auto' && loaded.series && image.modality.toUpperCase() !== 'CT' && image.samplesPerPixel === 1
      ? { kind: 'percentile' as const, bounds: percentileBounds(loaded.series) }
      : options.normalization;
  // MedSAM_Inference.py replicates a grey picture file to 3 channels before its resize: reproduce that exactly.
  const prepared = prepareImage(image, manifest, spec, image.eightBitFile ? 'exact' : 'fast');
  Object.assign(timings, prepared.timings);
  t = performance.now();
  const backend = await createNodeBackend(options.backend, options.threads);
  const source = nodeModelSource(options.model);
  const [encoder, decoder] = await Promise.all([
    loadModelPart(manifest, 'encoder', source, backend),
    loadModelPart(manifest, 'decoder', source, backend),
  ]);
  timings.modelLoad = performance.now() - t;
  t = performance.now();
  const embedding = await sessionEncoder(encoder, manifest).encode(prepared);
  timings.encoder = performance.now() - t;
  return { manifest, loaded, prepared, backend, encoder, decoder, embedding };
}

async function segment(options: SegmentOptions) {
  const timings: StageTimings = {};
  const run = await embedImage(options, timings, (rows, columns) => checkBox(options.box, rows, columns));
  const { manifest, loaded, prepared, embedding } = run;
  const result = await segmentBox(run.decoder, manifest, embedding, prepared, options.box);
  Object.assign(timings, result.timings);
  let t = performance.now();
  await writeFile(options.out, writeMaskPng(result.mask));
  timings.write = performance.now() - t;
  await Promise.all([run.encoder.release(), run.decoder.release()]);
  const spacing = loaded.image.pixelSpacing;
  return {
    command: 'segment',
    image: { path: options.image, rows: prepared.rows, columns: prepared.columns, modality: loaded.image.modality, ...loaded.describe },
    box: { requested: options.box, used: result.box.box, clamped: result.box.clamped, modelSpace: result.modelBox },
    mask: {
      path: options.out,
      areaPixels: result.summary.areaPixels,
      ...(spacing ? { areaMm2: result.summary.areaPixels * spacing[0] * spacing[1] } : {}),
      bbox: result.summary.bbox,
    },
    normalization: { ...prepared.normalization, description: describeNormalization(prepared.normalization) },
    model: modelSummary(manifest, decoderFilesRun(manifest, run.backend, false)),
    backend: run.backend.name,
    timingsMs: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v)])),
  };
}

async function embed(options: CommonOptions) {
  const timings: StageTimings = {};
  const run = await embedImage(options, timings);
  const t = performance.now();
  await writeFile(options.out, float32ToNpy(run.embedding.data as Float32Array, run.embedding.dims));
  timings.write = performance.now() - t;
  await Promise.all([run.encoder.release(), run.decoder.release()]);
  return {
    command: 'embed',
    image: { path: options.image, rows: run.prepared.rows, columns: run.prepared.columns, modality: run.loaded.image.modality },
    embedding: { path: options.out, dims: run.embedding.dims, format: 'npy float32' },
    normalization: { ...run.prepared.normalization, description: describeNormalization(run.prepared.normalization) },
    model: modelSummary(run.manifest),
    backend: run.backend.name,
    timingsMs: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v)])),
  };
}

function printHuman(summary: Record<string, unknown>) {
  const s = summary as { mask?: { path: string; areaPixels: number }; embedding?: { path: string }; normalization: { description: string }; model: { name: string; testModel: boolean } };
  if (s.mask) console.log(`mask written to ${s.mask.path} (${s.mask.areaPixels} pixels)`);
  if (s.embedding) console.log(`embedding written to ${s.embedding.path}`);
  console.log(`normalisation: ${s.normalization.description}`);
  console.log(`model: ${s.model.name}${s.model.testModel ? ' (test model, not MedSAM)' : ''}`);
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'dataset') return datasetMain(argv.slice(1));
  try {
    if (argv[0] === 'segment3d') return await runSegment3d(argv.slice(1));
    const command = parseCommand(argv);
    if (command.name === 'help') {
      console.log(`${USAGE}\n\n${SEGMENT3D_USAGE}`);
      return EXIT.ok;
    }
    const options = command.options;
    const summary = command.name === 'segment' ? await segment(command.options) : await embed(command.options);
    if (options.json) console.log(JSON.stringify(summary, null, 2));
    else printHuman(summary);
    return EXIT.ok;
  } catch (e) {
    const code = exitCodeFor(e);
    console.error(`medsam: ${e instanceof Error ? e.message : String(e)}`);
    if (code === EXIT.usage) console.error(USAGE);
    return code;
  }
}

// `segment3d --pipeline` starts this same file as its encoder thread.
if (isEncoderThread()) {
  void serveEncoderThread();
} else if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
