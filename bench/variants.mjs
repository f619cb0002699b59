#!/usr/bin/env node
// Issue 13's decoder variants on any model folder, without the whole bench:
//   node bench/variants.mjs --manifest <manifest.json> --key <name> [--rounds 3] [--boxes 10] [--out bench/results]
// Per backend (native, WASM): unsplit vs split decoder per box (paired), the image part per embedding; and for
// WASM the first decodes after load with and without the worker's warm-up decode, alternating fresh processes.
// Writes bench/results/<date>-variants-<key>.json (the format of `npm run bench`; node bench/report.mjs reads it).
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAll } from './lib/build.mjs';
import { runChild } from './lib/child.mjs';
import { describeMachine } from './lib/machine.mjs';
import { benchDir, resultsDir } from './lib/paths.mjs';
import { writeResult } from './lib/results.mjs';
import { formatTable } from './lib/table.mjs';

const { values } = parseArgs({ options: { manifest: { type: 'string' }, key: { type: 'string' }, rounds: { type: 'string', default: '3' }, boxes: { type: 'string', default: '10' }, out: { type: 'string' } } });
if (!values.manifest || !values.key) {
  process.stderr.write('usage: node bench/variants.mjs --manifest <manifest.json> --key <name> [--rounds 3] [--boxes 10]\n');
  process.exit(2);
}
const log = (m) => process.stderr.write(`${m}\n`);
const suite = (n) => path.join(benchDir, 'suites', `${n}.mjs`);
const model = { key: values.key, manifest: path.resolve(values.manifest) };
const threads = Math.min(2, os.availableParallelism());
const machine = await describeMachine();
const builds = await buildAll();
if (builds.core) throw new Error(`cannot bundle the core: ${builds.core}`);
const rows = [];
const started = Date.now();
const job = async (label, script, params) => {
  log(label);
  const value = await runChild(suite(script), params, { timeoutMs: 600_000 });
  rows.push(...value.rows);
};
await job('warm embedding', 'embeddings', { model, sizes: [512] });
for (const backend of ['node', 'wasm']) {
  await job(`split vs unsplit, ${backend}`, 'decoderVariants', { model, backend, threads, mode: 'split', boxes: Number(values.boxes), warmup: 2, warmupMs: backend === 'wasm' ? 5000 : 0 });
}
for (let r = 0; r < Number(values.rounds); r++) {
  for (const warmDecode of r % 2 === 0 ? [false, true] : [true, false]) {
    await job(`first decodes, WASM, ${warmDecode ? 'warm-up' : 'none'} (round ${r + 1})`, 'decoderVariants', { model, backend: 'wasm', threads, mode: 'first', warmDecode });
  }
}
machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
const date = new Date().toISOString().slice(0, 10);
const file = path.join(values.out ? path.resolve(values.out) : resultsDir, `${date}-variants-${values.key}.json`);
await writeResult(file, { machine, seconds: Math.round((Date.now() - started) / 1000), rows });
process.stdout.write(`${formatTable(rows)}\n`);
log(`written ${path.relative(process.cwd(), file)}`);
