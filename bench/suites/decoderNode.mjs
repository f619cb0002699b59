// The loop a user feels, in Node: per image normalise + resize, then per box decoder → post-process →
// labelmap write, from a warm embedding; on onnxruntime-node (native) or onnxruntime-web (WASM).
import { childMain, progress } from '../lib/child.mjs';
import { createLabelmap, writeMask } from '../lib/labelmap.mjs';
import { phantomBoxes, phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, readEmbedding } from '../lib/project.mjs';
import { now, row } from '../lib/rows.mjs';
import { MAX_WARMUP, warmupUntil } from '../lib/warmup.mjs';

export async function run({ model, backend: backendName, threads, sizes, boxes, warmup, warmupMs = 0, nextWarmupMs = 0, prepareReps }) {
  const core = loadCore();
  const manifest = await loadManifest(core, model.manifest);
  const backend = await core.createNodeBackend(backendName, threads);
  const runtime = backendName === 'node' ? `node-native-${threads}t` : `node-wasm-${threads}t`;
  const decoder = await core.loadModelPart(manifest, 'decoder', core.nodeModelSource(model.manifest), backend);
  const rows = [];
  for (const [n, size] of sizes.entries()) {
    const at = { suite: 'decoder-loop', model: model.key, runtime, size };
    const image = phantomSlice(size);
    const normalise = [];
    const resize = [];
    let prepared;
    for (let i = 0; i < prepareReps; i++) {
      prepared = core.prepareImage(image, manifest);
      normalise.push(prepared.timings.normalize);
      resize.push(prepared.timings.resize);
    }
    const embedding = readEmbedding(model.key, size, manifest.embeddingDims);
    const labelmap = createLabelmap(size, size);
    const samples = { decoder: [], postprocess: [], labelmap: [], total: [] };
    const list = phantomBoxes(size, MAX_WARMUP + boxes);
    const warm = warmupUntil(warmup, n === 0 ? warmupMs : nextWarmupMs);
    for (const box of list) {
      if (samples.total.length === boxes) break;
      const t0 = now();
      const result = await core.segmentBox(decoder, manifest, embedding, prepared, box);
      const t1 = now();
      writeMask(labelmap, result.mask, 1);
      const t2 = now();
      if (!warm.done()) continue;
      samples.decoder.push(result.timings.decoder);
      samples.postprocess.push(result.timings.postprocess);
      samples.labelmap.push(t2 - t1);
      samples.total.push(t2 - t0);
    }
    rows.push(
      row({ ...at, stage: 'normalise (per image)' }, normalise),
      row({ ...at, stage: 'resize (per image)' }, resize),
      row({ ...at, stage: 'decoder' }, samples.decoder),
      row({ ...at, stage: 'post-process' }, samples.postprocess),
      row({ ...at, stage: 'labelmap write' }, samples.labelmap),
      row({ ...at, stage: 'box → mask' }, samples.total),
    );
    progress(`${model.key} ${runtime} ${size}²: box → mask median ${Math.round(rows.at(-1).median)} ms over ${boxes} boxes`);
  }
  await decoder.release();
  return { rows };
}

await childMain(import.meta.url, run);
