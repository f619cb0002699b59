// Encoder per slice of two models, paired: the LiteMedSAM-shaped (TinyViT, 256) and the ViT-B-shaped (1024)
// encoder loaded side by side and run alternately (A B, B A, ...) through the project's pipeline
// (prepareImage + sessionEncoder.encode from the stored image, as a new slice costs the reader), so that a
// drifting machine load weighs on both alike and the ratio per pair is the figure to trust.
// Node native (onnxruntime-node) and WASM (onnxruntime-web) here; Chromium in encoderPairChromium.mjs.
import { childMain, progress } from '../lib/child.mjs';
import { phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, loadOrt } from '../lib/project.mjs';
import { now, row } from '../lib/rows.mjs';

function backendFor(core, kind, threads) {
  if (kind === 'node') return core.createOrtNodeBackend({ threads });
  return core.createOrtWebBackend(loadOrt('onnxruntime-web'), { executionProviders: ['wasm'], threads });
}

/** → rows; `slice()` of each model is one prepare + encode. Shared with the Chromium suite's summary. */
export function pairRows({ models, runtime, size, samples }) {
  const [a, b] = models;
  const rows = [];
  for (const m of models) {
    const at = { suite: 'encoder-pair', model: m.key, runtime, size };
    rows.push(
      row({ ...at, stage: 'prepare (normalise + resize)' }, samples[m.key].prepare),
      row({ ...at, stage: 'encoder run' }, samples[m.key].encode),
      row({ ...at, stage: 'encoder per slice (prepare + run)' }, samples[m.key].total),
    );
    // CPU time of the whole process (all onnxruntime threads): under load it grows less than the wall time.
    if (samples[m.key].cpu?.length) rows.push(row({ ...at, stage: 'process CPU time per slice' }, samples[m.key].cpu));
  }
  const ratios = samples[a.key].total.map((t, i) => t / samples[b.key].total[i]);
  rows.push(row({ suite: 'encoder-pair', model: `${a.key} / ${b.key}`, runtime, size, stage: 'per slice ratio (paired)' }, ratios, '×'));
  return rows;
}

export async function run({ models, backend: kind, threads, size, pairs, warmup }) {
  const core = loadCore();
  const backend = backendFor(core, kind, threads);
  const runtime = kind === 'node' ? `node-native-${threads}t` : `node-wasm-${threads}t`;
  const image = phantomSlice(size);
  const loaded = [];
  for (const m of models) {
    const manifest = await loadManifest(core, m.manifest);
    const session = await core.loadModelPart(manifest, 'encoder', core.nodeModelSource(m.manifest), backend);
    loaded.push({ key: m.key, manifest, session, encoder: core.sessionEncoder(session, manifest) });
  }
  const once = async (m) => {
    const cpu0 = process.cpuUsage();
    const t0 = now();
    const prepared = core.prepareImage(image, m.manifest);
    const t1 = now();
    await m.encoder.encode(prepared);
    const t2 = now();
    const cpu = process.cpuUsage(cpu0);
    return { prepare: t1 - t0, encode: t2 - t1, total: t2 - t0, cpu: (cpu.user + cpu.system) / 1000 };
  };
  for (const m of loaded) for (let i = 0; i < warmup; i++) await once(m);
  const samples = Object.fromEntries(loaded.map((m) => [m.key, { prepare: [], encode: [], total: [], cpu: [] }]));
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? loaded : [...loaded].reverse();
    const got = {};
    for (const m of order) got[m.key] = await once(m);
    for (const m of loaded) for (const k of ['prepare', 'encode', 'total', 'cpu']) samples[m.key][k].push(got[m.key][k]);
    progress(`${runtime} pair ${i + 1}/${pairs}: ${loaded.map((m) => `${m.key} ${Math.round(got[m.key].total)} ms`).join(', ')}`);
  }
  for (const m of loaded) await m.session.release();
  return { rows: pairRows({ models, runtime, size, samples }) };
}

await childMain(import.meta.url, run);
