// The page side of the Chromium benchmark: sends boxes to the inference worker, writes each returned mask
// into a Uint8Array labelmap on the main thread (where the viewer's labelmap lives) and times the round
// trip. Node calls window.runBench(config) through playwright and summarises the samples.
import { createLabelmap, writeMask } from '../lib/labelmap.mjs';
import { phantomBoxes } from '../lib/phantom.mjs';
import { MAX_WARMUP, warmupUntil } from '../lib/warmup.mjs';

function workerClient() {
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
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
  return {
    call: (type, args = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...args, type, id });
      }),
    terminate: () => worker.terminate(),
  };
}

window.runBench = async ({ manifestUrl, provider, threads, sizes, boxes, warmup, warmupMs = 0, nextWarmupMs = 0, prepareReps, embeddingUrls }) => {
  const worker = workerClient();
  try {
    const info = await worker.call('init', { manifestUrl, provider, threads });
    const perSize = {};
    for (const [n, size] of sizes.entries()) {
      const prep = await worker.call('prepare', { size, reps: prepareReps, embeddingUrl: embeddingUrls[size] });
      const labelmap = createLabelmap(size, size);
      const s = { decoder: [], postprocess: [], labelmap: [], messaging: [], total: [] };
      const warm = warmupUntil(warmup, n === 0 ? warmupMs : nextWarmupMs);
      for (const box of phantomBoxes(size, MAX_WARMUP + boxes)) {
        if (s.total.length === boxes) break;
        const t0 = performance.now();
        const { mask, timings } = await worker.call('box', { box });
        const t1 = performance.now();
        writeMask(labelmap, { rows: size, columns: size, data: mask }, 1);
        const t2 = performance.now();
        if (!warm.done()) continue;
        s.decoder.push(timings.decoder);
        s.postprocess.push(timings.postprocess);
        s.labelmap.push(t2 - t1);
        s.messaging.push(t1 - t0 - timings.worker);
        s.total.push(t2 - t0);
      }
      perSize[size] = { ...prep, ...s };
    }
    return { info, perSize };
  } finally {
    worker.terminate();
  }
};
/** Encoder per slice of two models, one worker each, alternating (A B, B A, ...) after `warmup` runs each. */
window.runEncoderPair = async ({ manifestUrls, threads, size, pairs, warmup }) => {
  const workers = manifestUrls.map(() => workerClient());
  try {
    const info = [];
    for (const [i, w] of workers.entries()) info.push(await w.call('encoderInit', { manifestUrl: manifestUrls[i], threads }));
    for (const w of workers) for (let i = 0; i < warmup; i++) await w.call('encodeSlice', { size });
    const samples = workers.map(() => ({ prepare: [], encode: [], total: [] }));
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const r = await workers[i].call('encodeSlice', { size });
        for (const k of ['prepare', 'encode', 'total']) samples[i][k].push(r[k]);
      }
    }
    return { info, samples };
  } finally {
    for (const w of workers) w.terminate();
  }
};
window.benchReady = true;
