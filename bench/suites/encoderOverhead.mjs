// The encoder path: the project's pipeline (prepareImage + sessionEncoder.encode, from the stored image)
// against a raw onnxruntime session fed the already-prepared tensor. Both run on ONE session, created with
// the options of the project's backend (createOrtNodeBackend / createOrtWebBackend), alternating, so the
// difference is only what the project adds: normalise, resize, tensor adaptation and the output check.
import { childMain, progress } from '../lib/child.mjs';
import { phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, loadOrt } from '../lib/project.mjs';
import { figure, now, row } from '../lib/rows.mjs';
import { summarize } from '../lib/stats.mjs';

/** A session with exactly the options the project's backends use (see core/src/runtimes/ort*.ts). */
async function rawSession(kind, threads, bytes) {
  if (kind === 'node') {
    const ort = loadOrt('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], enableCpuMemArena: false, intraOpNumThreads: threads });
    return { ort, session };
  }
  const ort = loadOrt('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return { ort, session };
}

export async function run({ model, backend: kind, threads, size, reps, warmup }) {
  const core = loadCore();
  const manifest = await loadManifest(core, model.manifest);
  const runtime = kind === 'node' ? `node-native-${threads}t` : `node-wasm-${threads}t`;
  const at = { suite: 'encoder', model: model.key, runtime, size };

  let t = now();
  const bytes = await core.nodeModelSource(model.manifest).read(manifest.encoder.file);
  const readMs = now() - t;
  t = now();
  await core.sha256Hex(bytes);
  const hashMs = now() - t;
  t = now();
  const { ort, session } = await rawSession(kind, threads, bytes);
  const createMs = now() - t;
  const encoder = core.sessionEncoder(core.adaptOrtSession(ort, session), manifest);

  const image = phantomSlice(size);
  const input = core.prepareImage(image, manifest).encoderInput;
  const feed = { [manifest.encoder.inputs.image]: new ort.Tensor(input.type, input.data, input.dims) };
  const fetches = [manifest.encoder.outputs.embedding];
  const s = { normalise: [], resize: [], encode: [], pipeline: [], raw: [], ratio: [], wrapper: [] };

  const pipelineOnce = async () => {
    const t0 = now();
    const prepared = core.prepareImage(image, manifest);
    const t1 = now();
    await encoder.encode(prepared);
    const t2 = now();
    return { normalise: prepared.timings.normalize, resize: prepared.timings.resize, encode: t2 - t1, pipeline: t2 - t0 };
  };
  const rawOnce = async () => {
    const t0 = now();
    await session.run(feed, fetches);
    return now() - t0;
  };

  // Warm-up: raw runs only (the first runs of a big model are much slower; either side would absorb it).
  for (let i = 0; i < warmup; i++) await rawOnce();
  for (let i = 0; i < reps; i++) {
    // Alternate which goes first so that a drifting machine load does not favour one side.
    let p;
    let r;
    if (i % 2 === 0) {
      p = await pipelineOnce();
      r = await rawOnce();
    } else {
      r = await rawOnce();
      p = await pipelineOnce();
    }
    for (const k of ['normalise', 'resize', 'encode', 'pipeline']) s[k].push(p[k]);
    s.raw.push(r);
    s.ratio.push(p.pipeline / r);
    progress(`${model.key} ${runtime}: pipeline ${Math.round(p.pipeline)} ms, raw ${Math.round(r)} ms`);
  }
  // The wrapper's own cost, without the noise of a seconds-long run: the same project code around a session
  // whose run() hands back the output it produced before, at once.
  const output = await session.run(feed, fetches);
  const instant = { inputNames: session.inputNames, outputNames: session.outputNames, inputMetadata: session.inputMetadata, outputMetadata: session.outputMetadata, run: async () => output, release: async () => undefined };
  const wrapperOnly = core.sessionEncoder(core.adaptOrtSession(ort, instant), manifest);
  const prepared = core.prepareImage(image, manifest);
  for (let i = 0; i < 25; i++) {
    const t0 = now();
    await wrapperOnly.encode(prepared);
    if (i >= 5) s.wrapper.push(now() - t0);
  }
  await session.release();

  // Around the encoder = what the project runs besides session.run: normalise + resize + its session
  // wrapper. Measured stage by stage (medians), it does not inherit the run-to-run noise of the encoder.
  const med = (k) => summarize(s[k]).median;
  const around = med('normalise') + med('resize') + med('wrapper');
  return {
    rows: [
      figure({ ...at, stage: 'load: SHA-256 check (project adds)' }, hashMs, 'ms'),
      figure({ ...at, stage: 'load: read file' }, readMs, 'ms'),
      figure({ ...at, stage: 'load: session creation' }, createMs, 'ms'),
      row({ ...at, stage: 'normalise' }, s.normalise),
      row({ ...at, stage: 'resize (+ min-max, NCHW)' }, s.resize),
      row({ ...at, stage: 'encode (project session wrapper)' }, s.encode),
      row({ ...at, stage: 'session wrapper alone (instant run)' }, s.wrapper),
      row({ ...at, stage: 'raw session.run' }, s.raw),
      row({ ...at, stage: 'pipeline total' }, s.pipeline),
      row({ ...at, stage: 'pipeline / raw (paired runs)' }, s.ratio, '×'),
      figure({ ...at, stage: 'around the encoder / encoder' }, around / med('raw'), 'fraction'),
    ],
  };
}

await childMain(import.meta.url, run);
