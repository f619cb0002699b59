// Where an encoder's time goes (run by bench/encoderProfile.mjs, one child process per measurement):
//   mode "ops": onnxruntime's own profiler (enableProfiling) over `runs` runs after `warmup`: time per
//     operator type and per part of the network (the first segment of the exported node names). Native
//     writes a JSON file; WASM prints the same events on stdout, which the parent collects.
//   mode "levels": one session per graph optimisation level, run alternately (rounds), same process.
//   mode "threads": one session with `threads` (WASM threads are fixed per process: the parent alternates
//     processes instead).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childMain, progress } from '../lib/child.mjs';
import { loadOrt } from '../lib/project.mjs';
import { now } from '../lib/rows.mjs';

function ortFor(backend, threads) {
  if (backend === 'node') return loadOrt('onnxruntime-node');
  const ort = loadOrt('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  return ort;
}

function sessionOptions(backend, threads, level, extra = {}) {
  const common = { graphOptimizationLevel: level, ...extra };
  return backend === 'node' ? { executionProviders: ['cpu'], enableCpuMemArena: false, intraOpNumThreads: threads, ...common } : { executionProviders: ['wasm'], ...common };
}

async function makeRun(ort, session, size) {
  const input = session.inputNames[0];
  const data = new Float32Array(3 * size * size);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 1000) / 1000; // deterministic, in [0, 1)
  const feed = { [input]: new ort.Tensor('float32', data, [1, 3, size, size]) };
  return async () => {
    const cpu0 = process.cpuUsage();
    const t0 = now();
    await session.run(feed);
    const cpu = process.cpuUsage(cpu0);
    return { wall: now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
  };
}

export async function run({ mode, backend, threads, encoder, size, warmup, runs, levels, rounds }) {
  const ort = ortFor(backend, threads);
  const bytes = readFileSync(encoder);
  if (mode === 'ops') {
    const prefix = path.join(os.tmpdir(), `medsam-encoder-profile-${process.pid}`);
    const extra = { enableProfiling: true, ...(backend === 'node' ? { profileFilePrefix: prefix } : {}) };
    const session = await ort.InferenceSession.create(bytes, sessionOptions(backend, threads, 'all', extra));
    const once = await makeRun(ort, session, size);
    const samples = [];
    for (let i = 0; i < warmup + runs; i++) samples.push(await once());
    progress(`${backend} ops profile: ${samples.map((s) => Math.round(s.wall)).join(', ')} ms`);
    // The profile covers every run, warm-up included: the parent divides by warmup + runs.
    const file = session.endProfiling?.();
    await session.release();
    let events = null;
    if (backend === 'node') {
      const dir = path.dirname(prefix);
      const found = file ?? readdirMatching(dir, path.basename(prefix));
      events = JSON.parse(readFileSync(found, 'utf8'));
      rmSync(found, { force: true });
    }
    return { samples, profiledRuns: warmup + runs, events };
  }
  if (mode === 'levels') {
    const sessions = [];
    for (const level of levels) {
      const t0 = now();
      const session = await ort.InferenceSession.create(bytes, sessionOptions(backend, threads, level));
      sessions.push({ level, createMs: now() - t0, once: await makeRun(ort, session, size), session });
    }
    for (const s of sessions) for (let i = 0; i < warmup; i++) await s.once();
    const samples = Object.fromEntries(levels.map((l) => [l, []]));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? sessions : [...sessions].reverse();
      for (const s of order) samples[s.level].push(await s.once());
      progress(`${backend} levels round ${r + 1}: ${sessions.map((s) => `${s.level} ${Math.round(samples[s.level].at(-1).wall)} ms`).join(', ')}`);
    }
    for (const s of sessions) await s.session.release();
    return { samples, createMs: Object.fromEntries(sessions.map((s) => [s.level, s.createMs])) };
  }
  if (mode === 'threads') {
    const session = await ort.InferenceSession.create(bytes, sessionOptions(backend, threads, 'all'));
    const once = await makeRun(ort, session, size);
    const samples = [];
    for (let i = 0; i < warmup + runs; i++) samples.push(await once());
    await session.release();
    progress(`${backend} ${threads} thread(s): ${samples.slice(warmup).map((s) => Math.round(s.wall)).join(', ')} ms`);
    return { samples: samples.slice(warmup) };
  }
  throw new Error(`unknown mode ${mode}`);
}

function readdirMatching(dir, start) {
  const hit = readdirSync(dir).filter((f) => f.startsWith(start) && f.endsWith('.json')).sort().at(-1);
  if (!hit) throw new Error(`onnxruntime wrote no profile ${start}*.json in ${dir}`);
  return path.join(dir, hit);
}

await childMain(import.meta.url, run);
