// What a run measures, with how many repetitions: --quick runs the small test model only; the full run adds
// the representative random-weight models (ViT-B-shaped encoder, SAM-sized decoder; TinyViT-shaped encoder
// with LiteMedSAM's dimensions and the same decoder at 256), with few repetitions
// where one run takes seconds (ViT-B) and with fewer boxes / slices where 200 / 50 would not fit in 20 min.
import os from 'node:os';
import path from 'node:path';
import { benchDir } from './paths.mjs';

const suite = (name) => path.join(benchDir, 'suites', `${name}.mjs`);
const MIN = 60_000;
/**
 * WASM loops warm up for at least this long as well as a number of boxes: V8 keeps optimising the WASM code
 * in the background, and on this busy 2-core machine the first loop after session creation ran ~40 % slower
 * for ~5 s. Later loops of the same process need only a short one. Native code needs none.
 */
const WARMUP_MS = 5000;
const NEXT_WARMUP_MS = 1000;

/** Per model: how hard to push it. `big`: a representative model; the LiteMedSAM-shaped encoder is ~10x cheaper. */
function counts(big, quick, key) {
  if (key === 'litemedsam-shaped') {
    return {
      decoderBoxes: 10, decoderWarmup: 2, prepareReps: 3, webgpuBoxes: 1,
      encoderReps: 5, encoderWarmup: 2, wasmEncoderReps: 3, wasmEncoderWarmup: 1,
      memoryBoxes: 200, memorySlices: 20,
    };
  }
  if (!big) {
    return {
      decoderBoxes: quick ? 15 : 30, decoderWarmup: 3, prepareReps: 3, webgpuBoxes: 2,
      encoderReps: quick ? 5 : 8, encoderWarmup: 2, wasmEncoderReps: quick ? 5 : 8, wasmEncoderWarmup: 2,
      serviceReps: 8, serviceReps32: 8, servicePerClient4: 3, serviceWarmup: 2,
      memoryBoxes: 200, memorySlices: 50,
    };
  }
  return {
    decoderBoxes: 10, decoderWarmup: 2, prepareReps: 3, webgpuBoxes: 1,
    encoderReps: 3, encoderWarmup: 2, wasmEncoderReps: 1, wasmEncoderWarmup: 1,
    serviceReps: 3, serviceReps32: 2, servicePerClient4: 1, serviceWarmup: 1,
    memoryBoxes: 200, memorySlices: 10,
  };
}

/**
 * → [{ suite, label, script, params, timeoutMs, nodeArgs }] in run order. `models`: [{ key, manifest, big }].
 * Suites: decoder-node, decoder-chromium, encoder, encoder-pair, service, memory, peer, viewer, viewer3d, volume3d.
 */
export function planJobs({ models, suites, quick, serviceBuilt }) {
  const threads = Math.min(2, os.availableParallelism());
  const cores = os.availableParallelism();
  const sizes = [512, 1024];
  const jobs = [];
  const want = (s) => suites.includes(s);
  const needEmbeddings = ['decoder-node', 'decoder-chromium', 'memory', 'peer'].some(want);

  for (const m of models.filter((x) => !x.onlyForPairs)) {
    const c = counts(m.big, quick, m.key);
    // The LiteMedSAM-shaped model: no service run (its 256 wrapper is the test model's business) and no
    // @cornerstonejs/ai peer (that controller is built for SAM's 1024 input).
    const lite = m.key === 'litemedsam-shaped';
    const model = { key: m.key, manifest: m.manifest };
    if (needEmbeddings) jobs.push({ suite: 'embeddings', label: `${m.key}: warm embeddings`, script: suite('embeddings'), params: { model, sizes }, timeoutMs: 10 * MIN });
    if (want('decoder-node')) {
      for (const backend of ['node', 'wasm']) {
        jobs.push({
          suite: 'decoder-node', label: `${m.key}: decoder loop, Node ${backend}`, script: suite('decoderNode'),
          params: { model, backend, threads, sizes, boxes: c.decoderBoxes, warmup: c.decoderWarmup, ...(backend === 'wasm' ? { warmupMs: WARMUP_MS, nextWarmupMs: NEXT_WARMUP_MS } : {}), prepareReps: c.prepareReps }, timeoutMs: 10 * MIN,
        });
      }
    }
    if (want('decoder-chromium')) {
      jobs.push({
        suite: 'decoder-chromium', label: `${m.key}: decoder loop, Chromium`, script: suite('decoderChromium'),
        params: {
          models: [model], threads, sizes,
          runs: [
            { provider: 'wasm', boxes: c.decoderBoxes, warmup: c.decoderWarmup, warmupMs: WARMUP_MS, nextWarmupMs: NEXT_WARMUP_MS, prepareReps: c.prepareReps },
            // WebGPU is SwiftShader here (software): a correctness smoke with a timing, 512² only, full run only
            // (not again for the LiteMedSAM-shaped model: the same decoder).
            ...(quick || lite ? [] : [{ provider: 'webgpu', boxes: c.webgpuBoxes, warmup: m.big ? 0 : 1, prepareReps: 1, sizes: [512] }]),
          ],
        },
        timeoutMs: 10 * MIN,
      });
    }
    if (want('encoder')) {
      jobs.push({ suite: 'encoder', label: `${m.key}: encoder path, native`, script: suite('encoderOverhead'), params: { model, backend: 'node', threads: cores, size: 512, reps: c.encoderReps, warmup: c.encoderWarmup }, timeoutMs: 10 * MIN });
      jobs.push({ suite: 'encoder', label: `${m.key}: encoder path, WASM`, script: suite('encoderOverhead'), params: { model, backend: 'wasm', threads, size: 512, reps: c.wasmEncoderReps, warmup: c.wasmEncoderWarmup }, timeoutMs: 10 * MIN });
    }
    if (want('service') && serviceBuilt && !lite) {
      jobs.push({ suite: 'service', label: `${m.key}: embedding service`, script: suite('service'), params: { model, size: 512, warmup: c.serviceWarmup, reps: c.serviceReps, reps32: c.serviceReps32, perClient4: c.servicePerClient4 }, timeoutMs: 10 * MIN });
    }
    if (want('memory')) {
      const mem = (backend, what, count) => ({
        suite: 'memory', label: `${m.key}: memory, ${count} ${what}, ${backend}`, script: suite('memory'), nodeArgs: ['--expose-gc'],
        params: { model, backend, threads: backend === 'node' ? cores : threads, what, size: 512, count, warmup: what === 'boxes' ? 5 : 2 }, timeoutMs: 10 * MIN,
      });
      jobs.push(mem('node', 'boxes', c.memoryBoxes));
      if (!m.big) jobs.push(mem('wasm', 'boxes', c.memoryBoxes));
      jobs.push(mem('node', 'slices', c.memorySlices));
    }
    if (want('volume3d') && !lite) {
      // 3D propagation with and without encoder/decoder overlap (issue 10). The ViT-B-shaped encoder takes
      // 10–12 s per slice on 2 quiet cores (7–90 s under load): its 40-slice walks go through the service only.
      const ways = m.big ? [] : ['local', 'thread'];
      if (serviceBuilt) ways.push('service-sequential', 'service-lookahead');
      const walk = (backend, w) => ({
        suite: 'volume3d', label: `${m.key}: 3D propagation, decoder ${backend}`, script: suite('volume3d'),
        params: { model, backend, threads, size: 512, slices: 40, warmupSlices: m.big ? 1 : 3, ways: w, rounds: 1 }, timeoutMs: (m.big ? 45 : 15) * MIN,
      });
      if (ways.length) jobs.push(walk('wasm', ways));
      if (!m.big) jobs.push(walk('node', ['local', 'thread']));
    }
    if (want('peer') && !lite) {
      jobs.push({ suite: 'peer', label: `${m.key}: @cornerstonejs/ai decoder path, Chromium`, script: suite('peerCornerstone'), params: { model, threads, size: 512, boxes: c.decoderBoxes, warmup: c.decoderWarmup, warmupMs: WARMUP_MS }, timeoutMs: 5 * MIN });
    }
  }
  // The two representative encoders per slice, paired in one process: the LiteMedSAM-shaped one's cost and
  // its ratio to the ViT-B-shaped one (few pairs: each ViT-B run takes 15-90 s here).
  const pair = ['litemedsam-shaped', 'medsam-shaped'].map((k) => models.find((m) => m.key === k));
  // Suite encoder-pair; ViT-B runs took 45-400 s each in WASM under this machine's load, hence 20 min per job.
  if (want('encoder-pair') && pair.every(Boolean)) {
    const pairModels = pair.map(({ key, manifest }) => ({ key, manifest }));
    const base = { models: pairModels, size: 512, warmup: 1 };
    jobs.push({ suite: 'encoder-pair', label: 'encoder per slice, LiteMedSAM- vs ViT-B-shaped, Chromium WASM', script: suite('encoderPairChromium'), params: { ...base, threads, pairs: 2 }, timeoutMs: 20 * MIN });
    jobs.push({ suite: 'encoder-pair', label: 'encoder per slice, LiteMedSAM- vs ViT-B-shaped, Node native', script: suite('encoderPair'), params: { ...base, backend: 'node', threads: cores, pairs: 3 }, timeoutMs: 20 * MIN });
    jobs.push({ suite: 'encoder-pair', label: 'encoder per slice, LiteMedSAM- vs ViT-B-shaped, Node WASM', script: suite('encoderPair'), params: { ...base, backend: 'wasm', threads, pairs: 2 }, timeoutMs: 20 * MIN });
  }
  // The real viewer with the test model (its wait and main-thread long tasks), in the browser and with the service.
  if (want('viewer')) {
    for (const withService of [false, ...(serviceBuilt ? [true] : [])]) {
      jobs.push({ suite: 'viewer', label: `viewer boxes, ${withService ? 'embedding service' : 'browser'}`, script: suite('viewerBoxes'), params: { withService, slices: quick ? 2 : 3, boxesPerSlice: 3, drags: withService ? 0 : quick ? 3 : 6 }, timeoutMs: 10 * MIN });
    }
  }
  // A 3D propagation in the real viewer (issue 10): the extension's walk over the CT phantom's 40 slices, the
  // encoder in the browser or on the embedding service (decoder in the browser, or there too), rounds alternating.
  if (want('viewer3d')) {
    // The second browser encoder worker is skipped (and said so) where the build does not start one. One walk took
    // 50-150 s at load 10-15 here: no walk starts after 14 minutes (the notes list those not run).
    const setups = ['browser', 'browser-encoder-worker', ...(serviceBuilt ? ['service-encoder', 'service-both'] : [])];
    jobs.push({ suite: 'viewer3d', label: `viewer 3D walk, 40 slices: ${setups.join(' / ')}`, script: suite('viewer3d'), params: { setups, slices: 40, rounds: quick ? 1 : 2, budgetMs: 14 * MIN }, timeoutMs: 20 * MIN });
  }
  return jobs;
}
