#!/usr/bin/env node
// Where an encoder's time goes, without the whole bench (issue 11: the LiteMedSAM-shaped encoder):
//   node bench/encoderProfile.mjs [--manifest bench/models/litemedsam-shaped/manifest.json] [--key litemedsam-shaped]
//        [--runs 2] [--rounds 2] [--out bench/results]
// 1. onnxruntime's per-operator profile, native (2 threads) and WASM (2 threads): time per operator type and per
//    part of the network (stem, stage 0 ... neck), per run;
// 2. graph optimisation levels, alternating in one process (native: disabled/basic/extended/all; WASM: disabled/
//    basic/all);
// 3. threads: native 1 vs 2 in one process; WASM 1 vs 2 in alternating processes (fixed per process).
// Every run also records the process's CPU time: on a loaded machine it grows far less than the wall time.
// Writes bench/results/<date>-encoder-profile-<key>.json (rows in the format of `npm run bench`).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from './lib/machine.mjs';
import { benchDir, resultsDir, workDir } from './lib/paths.mjs';
import { writeResult } from './lib/results.mjs';
import { figure, row } from './lib/rows.mjs';
import { formatTable } from './lib/table.mjs';

const { values } = parseArgs({
  options: {
    manifest: { type: 'string', default: path.join(benchDir, 'models/litemedsam-shaped/manifest.json') },
    key: { type: 'string', default: 'litemedsam-shaped' },
    runs: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    out: { type: 'string' },
  },
});
const log = (m) => process.stderr.write(`${m}\n`);
const manifestPath = path.resolve(values.manifest);
if (!existsSync(manifestPath)) {
  log(`${manifestPath} does not exist: \`npm run bench -- --only encoder-pair\` generates bench/models/litemedsam-shaped`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const encoder = path.join(path.dirname(manifestPath), manifest.encoder.file);
const size = manifest.inputSize;
const runs = Number(values.runs);
const rounds = Number(values.rounds);
const script = path.join(benchDir, 'suites/encoderProfile.mjs');
let counter = 0;

/** One child process; its stdout is kept (onnxruntime-web prints its profile events there). */
function child(params) {
  mkdirSync(workDir, { recursive: true });
  const resultFile = path.join(workDir, `profile-${process.pid}-${++counter}.json`);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, JSON.stringify({ ...params, encoder, size, resultFile })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', () => {
      try {
        const r = JSON.parse(readFileSync(resultFile, 'utf8'));
        rmSync(resultFile, { force: true });
        if (r.error) reject(new Error(r.error));
        else resolve({ ...r.value, stdout: out });
      } catch (e) {
        reject(new Error(`profile child exited without a result: ${e}`));
      }
    });
  });
}

/** Exported node name → the network part (the first path segment of torch's export names). */
const PARTS = {
  stem: 'stem (1×1 convs at 256²)',
  stage0: 'stage 0: conv blocks at 256² (64 → 256 → 64 ch)',
  'merges.0': 'merge 256² → 128²',
  'stages.0': 'stage 1: 2 blocks, 128², 7×7 windows',
  'merges.1': 'merge 128² → 64²',
  'stages.1': 'stage 2: 6 blocks, 64², 14×14 windows',
  'merges.2': 'merge to 320 ch, 64²',
  'stages.2': 'stage 3: 2 blocks, 64², 7×7 windows',
  neck: 'neck',
};
function partOf(name) {
  const first = /^\/([^/]+)\//.exec(name)?.[1];
  return PARTS[first] ?? 'other (layout changes onnxruntime inserted)';
}

/**
 * The grid a node works at, from its output shape: a 4-D [1, ...] tensor with a side of the grid (padded to a
 * multiple of the window: 133 for 128, 70 for 64), tokens [(1,) S·S (or padded), C], or windows [n, ...]
 * (n = 361: 128² in 7×7 windows; 25 or 100: 64² in 14×14 or 7×7 windows). Nodes that onnxruntime fused (Gelu,
 * Gemm) lose their exported name but keep their shape.
 */
const SIDES = { 256: 256, 128: 128, 133: 128, 64: 64, 70: 64 };
const TOKENS = { 65536: 256, 16384: 128, 17689: 128, 4096: 64, 4900: 64 };
const WINDOWS = { 361: 128, 25: 64, 100: 64 };
function gridOf(e) {
  const shape = Object.values(e.args.output_type_shape?.[0] ?? {})[0] ?? [];
  if (WINDOWS[shape[0]]) return WINDOWS[shape[0]];
  const tokens = shape.find((d) => TOKENS[d]);
  if (shape.length <= 3 && tokens) return TOKENS[tokens];
  if (shape.length === 4 && shape[0] === 1) return Math.max(0, ...shape.slice(1).map((d) => SIDES[d] ?? 0)) || null;
  return null;
}
const GRIDS = { 256: 'grid 256² (stem, stage 0, merge to 128²)', 128: 'grid 128² (stage 1, merge to 64²)', 64: 'grid 64² (stages 2–3, neck)' };

/** onnxruntime profile events → rows of ms per run by operator type, by part and by grid. */
function profileRows(events, profiledRuns, runtime) {
  const byOp = new Map();
  const byPart = new Map();
  const byGrid = new Map();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const ms = e.dur / 1000 / profiledRuns;
    total += ms;
    byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + ms);
    byPart.set(partOf(e.name), (byPart.get(partOf(e.name)) ?? 0) + ms);
    const grid = GRIDS[gridOf(e)] ?? 'grid: other';
    byGrid.set(grid, (byGrid.get(grid) ?? 0) + ms);
  }
  const at = { suite: 'encoder-profile', model: values.key, runtime, size };
  const rows = [figure({ ...at, stage: 'operators, sum per run (mean over the warm-up and the runs)' }, total, 'ms')];
  for (const [k, v] of [...byPart].sort((a, b) => b[1] - a[1])) rows.push(figure({ ...at, stage: `part: ${k}` }, v, 'ms'), figure({ ...at, stage: `part share: ${k}` }, v / total, 'fraction'));
  for (const [k, v] of [...byGrid].sort((a, b) => b[1] - a[1])) rows.push(figure({ ...at, stage: `${k}` }, v, 'ms'), figure({ ...at, stage: `${k}, share` }, v / total, 'fraction'));
  for (const [k, v] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 12)) rows.push(figure({ ...at, stage: `operator: ${k}` }, v, 'ms'), figure({ ...at, stage: `operator share: ${k}` }, v / total, 'fraction'));
  return rows;
}

const wasmEvents = (stdout) =>
  stdout
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))
    .filter((l) => l.startsWith('{"cat"'))
    .map((l) => JSON.parse(l));

const machine = await describeMachine();
const started = Date.now();
const rows = [];
const threads = 2;

for (const backend of ['node', 'wasm']) {
  log(`operator profile, ${backend}, ${threads} threads`);
  const r = await child({ mode: 'ops', backend, threads, warmup: 1, runs });
  const runtime = backend === 'node' ? `node-native-${threads}t` : `node-wasm-${threads}t`;
  const events = backend === 'node' ? r.events : wasmEvents(r.stdout);
  rows.push(row({ suite: 'encoder-profile', model: values.key, runtime, size, stage: 'run while profiling (after 1 warm-up)' }, r.samples.slice(1).map((s) => s.wall)));
  rows.push(...profileRows(events, r.profiledRuns, runtime));
}

const LEVELS = { node: ['disabled', 'basic', 'extended', 'all'], wasm: ['disabled', 'basic', 'all'] };
for (const backend of ['node', 'wasm']) {
  log(`graph optimisation levels, ${backend}`);
  const r = await child({ mode: 'levels', backend, threads, levels: LEVELS[backend], warmup: 1, rounds });
  const runtime = backend === 'node' ? `node-native-${threads}t` : `node-wasm-${threads}t`;
  for (const level of LEVELS[backend]) {
    const at = { suite: 'encoder-profile', model: values.key, runtime, size };
    rows.push(row({ ...at, stage: `level ${level}: run` }, r.samples[level].map((s) => s.wall)));
    rows.push(row({ ...at, stage: `level ${level}: process CPU time` }, r.samples[level].map((s) => s.cpu)));
    rows.push(row({ ...at, stage: `level ${level} / all (paired)` }, r.samples[level].map((s, i) => s.wall / r.samples.all[i].wall), '×'));
    rows.push(figure({ ...at, stage: `level ${level}: session creation` }, r.createMs[level], 'ms'));
  }
}

log('threads, native (one process) and WASM (alternating processes)');
const threadSamples = { node: { 1: [], 2: [] }, wasm: { 1: [], 2: [] } };
for (let round = 0; round < rounds; round++) {
  for (const t of round % 2 === 0 ? [1, 2] : [2, 1]) {
    for (const backend of ['node', 'wasm']) {
      const r = await child({ mode: 'threads', backend, threads: t, warmup: 1, runs: 1 });
      threadSamples[backend][t].push(...r.samples);
    }
  }
}
for (const backend of ['node', 'wasm']) {
  for (const t of [1, 2]) {
    const at = { suite: 'encoder-profile', model: values.key, runtime: backend === 'node' ? 'node-native' : 'node-wasm', size };
    rows.push(row({ ...at, stage: `${t} thread(s): run` }, threadSamples[backend][t].map((s) => s.wall)));
    rows.push(row({ ...at, stage: `${t} thread(s): process CPU time` }, threadSamples[backend][t].map((s) => s.cpu)));
  }
}

machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
const date = new Date().toISOString().slice(0, 10);
const file = path.join(values.out ? path.resolve(values.out) : resultsDir, `${date}-encoder-profile-${values.key}.json`);
if (existsSync(file)) throw new Error(`${file} exists; give --out another folder`);
await writeResult(file, { machine, seconds: Math.round((Date.now() - started) / 1000), manifest: path.relative(process.cwd(), manifestPath), rows });
process.stdout.write(`${formatTable(rows)}\n`);
log(`written ${path.relative(process.cwd(), file)}`);
