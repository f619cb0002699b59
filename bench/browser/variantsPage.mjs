// The page side of the decoder-variant benchmark (suite decoder-variants-chromium). Node calls
// window.runVariants(config) through playwright:
//   { where: 'worker' | 'page', proxy, threads, size, manifestUrl, embeddingUrl, variants: [spec, spec?],
//     creations, boxes, warmup, warmupMs }
// → per variant: session creation (alternating, `creations` times, after one uncounted), image part, decoder time per box; with two
// variants the boxes alternate A B / B A and the paired ratio B / A and the masks' IoU are recorded.
import { phantomBoxes } from '../lib/phantom.mjs';
import { MAX_WARMUP, warmupUntil } from '../lib/warmup.mjs';
import { compareLogits } from '../lib/decoderVariant.mjs';
import { createEngine } from './variantsEngine.mjs';

function workerEngine() {
  const worker = new Worker(new URL('./variantsWorker.mjs', import.meta.url), { type: 'module' });
  const pending = new Map();
  let next = 0;
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    pending.delete(data.id);
    if (data.error) p.reject(new Error(data.error));
    else p.resolve(data.value);
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(`worker error: ${e.message}`));
    pending.clear();
  };
  const call = (type) => (args = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...args, type, id });
    });
  return { init: call('init'), open: call('open'), box: call('box'), close: call('close'), terminate: () => worker.terminate() };
}

window.runVariants = async ({ where, proxy, threads, size, manifestUrl, embeddingUrl, variants, creations = 1, boxes, warmup, warmupMs = 0 }) => {
  const engine = where === 'page' ? { ...createEngine(), terminate() {} } : workerEngine();
  try {
    const info = await engine.init({ manifestUrl, threads, proxy, size, embeddingUrl });
    const out = Object.fromEntries(variants.map((v) => [v.label, { create: [], image: [], decoder: [] }]));
    await engine.open({ spec: variants[0] }); // not counted: the first session also starts onnxruntime's WASM
    for (let r = 0; r < creations; r++) {
      for (const spec of r % 2 === 0 ? variants : [...variants].reverse()) {
        const { createMs, imageMs } = await engine.open({ spec });
        out[spec.label].create.push(createMs);
        if (imageMs !== undefined) out[spec.label].image.push(imageMs);
      }
    }
    const ratio = [];
    const iou = [];
    const warm = warmupUntil(warmup, warmupMs);
    for (const [i, box] of phantomBoxes(size, MAX_WARMUP + boxes).entries()) {
      if (out[variants[0].label].decoder.length === boxes) break;
      const order = i % 2 === 0 ? variants : [...variants].reverse();
      const got = {};
      for (const spec of order) got[spec.label] = await engine.box({ label: spec.label, box });
      if (!warm.done()) continue;
      for (const spec of variants) out[spec.label].decoder.push(got[spec.label].decoder);
      if (variants.length === 2) {
        const [a, b] = variants.map((v) => got[v.label]);
        ratio.push(b.decoder / a.decoder);
        iou.push(compareLogits(a.mask, b.mask).iou);
      }
    }
    await engine.close();
    return { info, variants: out, ratio, iou };
  } finally {
    engine.terminate();
  }
};
/**
 * The same decoder variant on two engines with different settings, boxes alternating between them, so that
 * settings fixed per onnxruntime instance (threads, proxy) are compared paired: { engines: [{ where, proxy,
 * threads }, …2], spec, size, manifestUrl, embeddingUrl, boxes, warmup, warmupMs }. Each worker has its own
 * onnxruntime; the page has one, so at most one engine may be 'page'.
 */
window.runEnginePair = async ({ engines: settings, spec, size, manifestUrl, embeddingUrl, boxes, warmup, warmupMs = 0 }) => {
  const engines = settings.map((s) => (s.where === 'page' ? { ...createEngine(), terminate() {} } : workerEngine()));
  try {
    const info = [];
    for (const [i, e] of engines.entries()) {
      info.push(await e.init({ manifestUrl, threads: settings[i].threads, proxy: settings[i].proxy === true, size, embeddingUrl }));
      await e.open({ spec });
    }
    const decoder = [[], []];
    const ratio = [];
    const warm = warmupUntil(warmup, warmupMs);
    for (const [i, box] of phantomBoxes(size, MAX_WARMUP + boxes).entries()) {
      if (ratio.length === boxes) break;
      const t = [0, 0];
      for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) t[k] = (await engines[k].box({ label: spec.label, box })).decoder;
      if (!warm.done()) continue;
      decoder[0].push(t[0]);
      decoder[1].push(t[1]);
      ratio.push(t[1] / t[0]);
    }
    for (const e of engines) await e.close();
    return { info, decoder, ratio };
  } finally {
    for (const e of engines) e.terminate();
  }
};
window.variantsReady = true;
