// Issue 13: what each decoder variant costs per box, from a warm embedding, in Node (native or WASM).
// mode "split": the unsplit decoder and the split decoder's prompt part on the same boxes, order alternating,
//   + the image part (once per embedding); the paired ratio prompt part / unsplit.
// mode "first": the first decodes of a fresh process after the decoder session is created, with or without
//   one warm-up decode right after creation (as the worker does), after the same idle gap in both cases
//   (the user takes a moment to draw); one process per condition (V8's WASM tiering is per process).
// mode "pair": two decoder variants (lib/decoderVariant.mjs: other files, other optimisation level, split or
//   not) — session creation (alternating, `creations` times each), then per box, order alternating: decoder
//   time, the paired ratio B / A, and the final masks' IoU and the logits' largest difference B vs A.
import { childMain, progress } from '../lib/child.mjs';
import { phantomBoxes, phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, readEmbedding } from '../lib/project.mjs';
import { figure, now, row } from '../lib/rows.mjs';
import { warmupUntil } from '../lib/warmup.mjs';
import { compareLogits, openDecoderVariant } from '../lib/decoderVariant.mjs';
import { loadOrt } from '../lib/project.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function run({ model, backend: backendName, threads, mode, boxes = 10, warmup = 2, warmupMs = 0, imageReps = 5, warmDecode = false, gapMs = 2000, firstCount = 6, variants, creations = 3 }) {
  const core = loadCore();
  const manifest = await loadManifest(core, model.manifest);
  const backend = await core.createNodeBackend(backendName, threads);
  const runtime = backendName === 'node' ? `node-native-${threads}t` : `node-wasm-${threads}t`;
  const source = core.nodeModelSource(model.manifest);
  const size = 512;
  const at = { suite: 'decoder-variants', model: model.key, runtime, size };
  const embedding = readEmbedding(model.key, size, manifest.embeddingDims);
  const prepared = core.prepareImage(phantomSlice(size), manifest);
  const list = phantomBoxes(size, 60 + boxes + firstCount);
  const rows = [];

  if (mode === 'pair') return { rows: await runPair({ core, manifest, model, backendName, threads, at, embedding, prepared, list, variants, creations, boxes, warmup, warmupMs }) };

  if (mode === 'first') {
    const tLoad = now();
    const decoder = await core.loadModelPart(manifest, 'decoder', source, backend);
    const loadMs = now() - tLoad;
    let warmMs = 0;
    if (warmDecode) {
      const t = now();
      await core.warmUpDecoder(decoder, manifest);
      warmMs = now() - t;
    }
    await sleep(gapMs);
    const times = [];
    for (const box of list.slice(0, firstCount)) times.push((await core.segmentBox(decoder, manifest, embedding, prepared, box)).timings.decoder);
    const label = warmDecode ? 'with warm-up decode' : 'no warm-up';
    rows.push(row({ ...at, stage: `first ${firstCount} decodes after load, ${label}` }, times));
    rows.push(figure({ ...at, stage: `first decode after load, ${label}` }, times[0], 'ms'));
    if (warmDecode) rows.push(figure({ ...at, stage: 'warm-up decode itself (in the worker, at load)' }, warmMs, 'ms'));
    rows.push(figure({ ...at, stage: `decoder session creation (${label} run)` }, loadMs, 'ms'));
    progress(`${model.key} ${runtime} ${label}: first decodes ${times.map((t) => Math.round(t)).join(', ')} ms`);
    await decoder.release();
    return { rows };
  }

  const decoder = await core.loadModelPart(manifest, 'decoder', source, backend);
  const split = await core.loadSplitDecoder(manifest, source, backend);
  if (!split) throw new Error(`${model.manifest} has no decoderSplit`);
  const image = [];
  let features;
  for (let i = 0; i < imageReps + 1; i++) {
    const t = now();
    features = await core.decoderImageFeatures(split, manifest, embedding);
    if (i > 0) image.push(now() - t);
  }
  const prompt = core.promptDecoderSession(split, features);
  const samples = { unsplit: [], split: [], ratio: [] };
  const warm = warmupUntil(warmup, warmupMs);
  for (const [i, box] of list.entries()) {
    if (samples.ratio.length === boxes) break;
    // Alternate which goes first, so that neither always gets the warmer caches.
    const first = i % 2 === 0 ? decoder : prompt;
    const a = (await core.segmentBox(first, manifest, embedding, prepared, box)).timings.decoder;
    const b = (await core.segmentBox(first === decoder ? prompt : decoder, manifest, embedding, prepared, box)).timings.decoder;
    if (!warm.done()) continue;
    const [u, s] = first === decoder ? [a, b] : [b, a];
    samples.unsplit.push(u);
    samples.split.push(s);
    samples.ratio.push(s / u);
  }
  rows.push(
    row({ ...at, stage: 'decoder, unsplit (per box)' }, samples.unsplit),
    row({ ...at, stage: 'decoder, split: prompt part (per box)' }, samples.split),
    row({ ...at, stage: 'decoder, split: image part (once per embedding)' }, image),
    row({ ...at, stage: 'split prompt part / unsplit (paired)' }, samples.ratio, '×'),
  );
  progress(`${model.key} ${runtime}: unsplit ${Math.round(rows[0].median)} ms, split ${Math.round(rows[1].median)} ms (paired ratio ${rows[3].median}), image part ${Math.round(rows[2].median)} ms`);
  await core.releaseSplitDecoder(split);
  await decoder.release();
  return { rows };
}

async function runPair({ core, manifest, model, backendName, threads, at, embedding, prepared, list, variants, creations, boxes, warmup, warmupMs }) {
  const ort = backendName === 'node' ? loadOrt('onnxruntime-node') : loadOrt('onnxruntime-web');
  if (backendName !== 'node') ort.env.wasm.numThreads = threads;
  const read = async (file) => new Uint8Array(await (await import('node:fs/promises')).readFile(new URL(file, `file://${model.manifest}`)));
  const provider = backendName === 'node' ? 'cpu' : 'wasm';
  const options = { ort, core, manifest, read, provider, embedding };
  if (backendName === 'node') ort.InferenceSession.defaultOptions = { intraOpNumThreads: threads };
  const [A, B] = variants;
  const created = { [A.label]: [], [B.label]: [] };
  const imageMs = { [A.label]: [], [B.label]: [] };
  let opened;
  // Session creation, alternating; the last pair stays open for the decodes.
  for (let r = 0; r < creations; r++) {
    const pair = [];
    for (const spec of r % 2 === 0 ? [A, B] : [B, A]) {
      const v = await openDecoderVariant({ ...options, spec });
      created[spec.label].push(v.createMs);
      if (v.imageMs !== undefined) imageMs[spec.label].push(v.imageMs);
      pair.push(v);
    }
    if (r < creations - 1) for (const v of pair) await v.release();
    else opened = Object.fromEntries(pair.map((v) => [v.label, v]));
  }
  const a = opened[A.label];
  const b = opened[B.label];
  const logits = async (v, modelBox) => {
    const feeds = core.decoderFeeds(manifest.decoder, embedding, modelBox, manifest.lowResSize, prepared);
    const out = await v.session.run(feeds, [manifest.decoder.outputs.lowResLogits]);
    return out[manifest.decoder.outputs.lowResLogits].data;
  };
  const samples = { a: [], b: [], ratio: [], iou: [], maxDiff: [] };
  const warm = warmupUntil(warmup, warmupMs);
  for (const [i, box] of list.entries()) {
    if (samples.ratio.length === boxes) break;
    const first = i % 2 === 0 ? a : b;
    const second = first === a ? b : a;
    const r1 = await core.segmentBox(first.session, manifest, embedding, prepared, box);
    const r2 = await core.segmentBox(second.session, manifest, embedding, prepared, box);
    if (!warm.done()) continue;
    const [ra, rb] = first === a ? [r1, r2] : [r2, r1];
    samples.a.push(ra.timings.decoder);
    samples.b.push(rb.timings.decoder);
    samples.ratio.push(rb.timings.decoder / ra.timings.decoder);
    samples.iou.push(compareLogits(ra.mask.data, rb.mask.data).iou);
    if (samples.maxDiff.length < 3) samples.maxDiff.push(compareLogits(await logits(a, ra.modelBox), await logits(b, ra.modelBox)).maxDiff);
  }
  const rows = [
    row({ ...at, stage: `${A.label}: session creation` }, created[A.label]),
    row({ ...at, stage: `${B.label}: session creation` }, created[B.label]),
    row({ ...at, stage: `${A.label}: decoder (per box)` }, samples.a),
    row({ ...at, stage: `${B.label}: decoder (per box)` }, samples.b),
    row({ ...at, stage: `${B.label} / ${A.label}, per box (paired)` }, samples.ratio, '×'),
    row({ ...at, stage: `${B.label} vs ${A.label}: mask IoU` }, samples.iou, 'IoU'),
    figure({ ...at, stage: `${B.label} vs ${A.label}: largest logit difference` }, Math.max(...samples.maxDiff), 'logit'),
  ];
  for (const [label, ms] of Object.entries(imageMs)) if (ms.length) rows.push(row({ ...at, stage: `${label}: image part (once per embedding)` }, ms));
  progress(`${model.key} ${at.runtime}: ${A.label} ${Math.round(rows[2].median)} ms, ${B.label} ${Math.round(rows[3].median)} ms per box (paired ratio ${rows[4].median}); creation ${Math.round(rows[0].median)} vs ${Math.round(rows[1].median)} ms; IoU min ${rows[5].min}`);
  await a.release();
  await b.release();
  return rows;
}

await childMain(import.meta.url, run);
