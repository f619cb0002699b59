// Memory over a long session: 200 consecutive boxes on one image (decoder loop) or 50 slices embedded one
// after another (encoder). RSS and JS heap after a GC at the start (after warm-up) and at the end, the
// process's peak RSS, and the growth per box / slice: steady growth means something is kept (a leak).
// Run with --expose-gc.
import { childMain, progress } from '../lib/child.mjs';
import { createLabelmap, writeMask } from '../lib/labelmap.mjs';
import { phantomBoxes, phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, readEmbedding } from '../lib/project.mjs';
import { figure } from '../lib/rows.mjs';

const MiB = 2 ** 20;

/** After two GCs with a turn of the event loop between them, so finalizers free the external memory too. */
async function snapshot() {
  globalThis.gc?.();
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MiB, heap: m.heapUsed / MiB, buffers: m.external / MiB }; // external includes ArrayBuffers
}

async function boxesLoop(core, manifest, model, decoder, { size, count, warmup }) {
  const image = phantomSlice(size);
  const prepared = core.prepareImage(image, manifest);
  const embedding = readEmbedding(model.key, size, manifest.embeddingDims);
  const labelmap = createLabelmap(size, size);
  const boxes = phantomBoxes(size, warmup + count);
  const series = [];
  let start;
  for (const [i, box] of boxes.entries()) {
    if (i === warmup) start = await snapshot();
    const result = await core.segmentBox(decoder, manifest, embedding, prepared, box);
    writeMask(labelmap, result.mask, 1 + (i % 3));
    if (i >= warmup && (i - warmup + 1) % Math.max(1, Math.round(count / 4)) === 0) series.push({ after: i - warmup + 1, ...(await snapshot()) });
  }
  return { start, end: await snapshot(), series };
}

async function slicesLoop(core, manifest, encoderSession, { size, count, warmup }) {
  const encoder = core.sessionEncoder(encoderSession, manifest);
  const series = [];
  let start;
  let kept;
  for (let i = 0; i < warmup + count; i++) {
    if (i === warmup) start = await snapshot();
    kept = await encoder.encode(core.prepareImage(phantomSlice(size, i), manifest));
    if (i >= warmup && (i - warmup + 1) % Math.max(1, Math.round(count / 5)) === 0) {
      series.push({ after: i - warmup + 1, ...(await snapshot()) });
      progress(`${i - warmup + 1}/${count} slices embedded, RSS ${Math.round(series.at(-1).rss)} MiB`);
    }
  }
  return { start, end: await snapshot(), series, kept: kept.dims };
}

export async function run({ model, backend: backendName, threads, what, size, count, warmup }) {
  const core = loadCore();
  const manifest = await loadManifest(core, model.manifest);
  const backend = await core.createNodeBackend(backendName, threads);
  const runtime = backendName === 'node' ? `node-native-${threads}t` : `node-wasm-${threads}t`;
  const part = what === 'boxes' ? 'decoder' : 'encoder';
  const session = await core.loadModelPart(manifest, part, core.nodeModelSource(model.manifest), backend);
  const r = what === 'boxes' ? await boxesLoop(core, manifest, model, session, { size, count, warmup }) : await slicesLoop(core, manifest, session, { size, count, warmup });
  await session.release();
  const peak = process.resourceUsage().maxRSS / 1024; // KiB → MiB
  const unit = what === 'boxes' ? 'box' : 'slice';
  const at = { suite: 'memory', model: model.key, runtime, size, case: `${count} ${what}` };
  // Allocators and the WASM heap grow to a high-water mark early on; a leak keeps growing after it.
  const mid = r.series.find((s) => s.after >= count / 2 && s.after < count) ?? { ...r.start, after: 0 };
  const secondHalf = count - mid.after;
  progress(`${model.key} ${runtime} ${count} ${what}: RSS ${Math.round(r.start.rss)} → ${Math.round(r.end.rss)} MiB, peak ${Math.round(peak)} MiB`);
  return {
    rows: [
      figure({ ...at, stage: 'RSS at start' }, r.start.rss, 'MiB'),
      figure({ ...at, stage: 'RSS at end' }, r.end.rss, 'MiB'),
      figure({ ...at, stage: 'peak RSS (process)' }, peak, 'MiB'),
      figure({ ...at, stage: 'JS heap at start' }, r.start.heap, 'MiB'),
      figure({ ...at, stage: 'JS heap at end' }, r.end.heap, 'MiB'),
      figure({ ...at, stage: 'external memory (incl. ArrayBuffers) at start' }, r.start.buffers, 'MiB'),
      figure({ ...at, stage: 'external memory (incl. ArrayBuffers) at end' }, r.end.buffers, 'MiB'),
      figure({ ...at, stage: `RSS growth per ${unit}` }, ((r.end.rss - r.start.rss) * 1024) / count, 'KiB'),
      figure({ ...at, stage: `JS heap growth per ${unit}` }, ((r.end.heap - r.start.heap) * 1024) / count, 'KiB'),
      figure({ ...at, stage: `RSS growth per ${unit}, second half` }, ((r.end.rss - mid.rss) * 1024) / secondHalf, 'KiB'),
    ],
    series: r.series,
  };
}

await childMain(import.meta.url, run);
