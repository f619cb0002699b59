#!/usr/bin/env node
// Issue 13's decoder variants on any model folder, without the whole bench:
//   node bench/variants.mjs --manifest <manifest.json> --key <name> [--only split,first,aot,int8,chromium]
//                           [--int8 <manifest_int8.json>] [--rounds 3] [--boxes 10]
// split:    per backend (native, WASM), unsplit vs split decoder per box (paired), the image part per embedding;
// first:    WASM first decodes after load with and without the worker's warm-up decode, alternating processes;
// aot:      Node WASM, files optimised at load (level 'all') vs ahead of time (manifest `optimized`, opened with
//           optimisation off): session creation and per box, unsplit and split (models/export/optimize_decoder.mjs);
// int8:     Node WASM, float32 vs the int8 manifest's decoder (--int8), unsplit and split, per box and mask IoU;
// chromium: headless Chromium WASM (the benchmark's own worker): split vs unsplit; aot and int8 (where given)
//           on the split decoder; 1 vs 2 threads; onnxruntime's proxy on the page vs the own worker.
// Default: split,first. Writes bench/results/<date>-variants-<key>[-N].json (never over an existing file).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAll } from './lib/build.mjs';
import { runChild } from './lib/child.mjs';
import { describeMachine } from './lib/machine.mjs';
import { benchDir, resultsDir } from './lib/paths.mjs';
import { writeResult } from './lib/results.mjs';
import { formatTable } from './lib/table.mjs';

const { values } = parseArgs({
  options: {
    manifest: { type: 'string' }, key: { type: 'string' }, only: { type: 'string', default: 'split,first' }, int8: { type: 'string' },
    rounds: { type: 'string', default: '3' }, boxes: { type: 'string', default: '10' }, out: { type: 'string' },
  },
});
if (!values.manifest || !values.key) {
  process.stderr.write('usage: node bench/variants.mjs --manifest <manifest.json> --key <name> [--only split,first,aot,int8,chromium] [--int8 <manifest_int8.json>] [--rounds 3] [--boxes 10]\n');
  process.exit(2);
}
const only = new Set(values.only.split(','));
const log = (m) => process.stderr.write(`${m}\n`);
const suite = (n) => path.join(benchDir, 'suites', `${n}.mjs`);
const model = { key: values.key, manifest: path.resolve(values.manifest) };
const boxes = Number(values.boxes);
const threads = Math.min(2, os.availableParallelism());
const raw = JSON.parse(readFileSync(model.manifest, 'utf8'));
const variants = variantSpecs(raw, values.int8 ? path.resolve(values.int8) : null, path.dirname(model.manifest));
const machine = await describeMachine();
const builds = await buildAll();
if (builds.core) throw new Error(`cannot bundle the core: ${builds.core}`);
const rows = [];
const environments = [];
const started = Date.now();
const job = async (label, script, params) => {
  log(label);
  const value = await runChild(suite(script), params, { timeoutMs: 600_000 });
  rows.push(...value.rows);
  if (value.environments) environments.push(...value.environments);
};
await job('warm embedding', 'embeddings', { model, sizes: [512] });
if (only.has('split')) {
  for (const backend of ['node', 'wasm']) {
    await job(`split vs unsplit, ${backend}`, 'decoderVariants', { model, backend, threads, mode: 'split', boxes, warmup: 2, warmupMs: backend === 'wasm' ? 5000 : 0 });
  }
}
if (only.has('first')) {
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const warmDecode of r % 2 === 0 ? [false, true] : [true, false]) {
      await job(`first decodes, WASM, ${warmDecode ? 'warm-up' : 'none'} (round ${r + 1})`, 'decoderVariants', { model, backend: 'wasm', threads, mode: 'first', warmDecode });
    }
  }
}
const pair = (label, pairSpecs, creations) => job(label, 'decoderVariants', { model, backend: 'wasm', threads, mode: 'pair', variants: pairSpecs, creations, boxes, warmup: 2, warmupMs: 5000 });
if (only.has('aot')) {
  if (!variants.aot) throw new Error(`${values.manifest} lists no pre-optimised files: run node models/export/optimize_decoder.mjs on it first`);
  for (const p of variants.aot) await pair(`ahead-of-time optimisation, WASM: ${p[1].label}`, p, 4);
}
if (only.has('int8')) {
  if (!variants.int8) throw new Error('--int8 <manifest_int8.json> is needed for int8');
  for (const p of variants.int8) await pair(`int8 vs float32, WASM: ${p[1].label}`, p, 2);
}
if (only.has('chromium')) {
  const split = { label: 'split', split: true };
  const runs = [
    ...(raw.decoderSplit ? [{ where: 'worker', threads, variants: [{ label: 'unsplit' }, split], creations: 2, boxes }] : []),
    ...(variants.aot ? [{ where: 'worker', threads, variants: variants.aot.at(-1), creations: 4, boxes }] : []),
    ...(variants.int8 ? [{ where: 'worker', threads, variants: variants.int8.at(-1), creations: 2, boxes }] : []),
    { engines: [{ where: 'worker', threads: 2 }, { where: 'worker', threads: 1 }], spec: raw.decoderSplit ? split : { label: 'unsplit' }, boxes },
    { engines: [{ where: 'worker', threads: 2 }, { where: 'page', proxy: true, threads: 2 }], spec: raw.decoderSplit ? split : { label: 'unsplit' }, boxes },
  ];
  await job('Chromium WASM variants', 'decoderVariantsChromium', { model, runs });
}
machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
const date = new Date().toISOString().slice(0, 10);
const dir = values.out ? path.resolve(values.out) : resultsDir;
let file = path.join(dir, `${date}-variants-${values.key}.json`);
for (let n = 2; existsSync(file); n++) file = path.join(dir, `${date}-variants-${values.key}-${n}.json`);
await writeResult(file, { machine, seconds: Math.round((Date.now() - started) / 1000), only: [...only], rows, environments });
process.stdout.write(`${formatTable(rows)}\n`);
log(`written ${path.relative(process.cwd(), file)}`);

/** The variant pairs (lib/decoderVariant.mjs specs) the manifest and the int8 manifest allow. */
function variantSpecs(m, int8Path, dir) {
  const out = {};
  if (m.decoder.optimized) {
    out.aot = [[{ label: 'unsplit, optimised at load' }, { label: 'unsplit, optimised ahead', decoder: m.decoder.optimized.file, level: 'disabled' }]];
    const s = m.decoderSplit;
    if (s?.image.optimized && s.prompt.optimized) {
      out.aot.push([{ label: 'split, optimised at load', split: true }, { label: 'split, optimised ahead', split: true, image: s.image.optimized.file, prompt: s.prompt.optimized.file, level: 'disabled' }]);
    }
  }
  if (int8Path) {
    const q = JSON.parse(readFileSync(int8Path, 'utf8'));
    if (path.dirname(int8Path) !== dir) throw new Error('the int8 manifest must sit beside the float32 one (quantize_decoder.py --manifest puts it there)');
    out.int8 = [[{ label: 'unsplit float32' }, { label: 'unsplit int8', decoder: q.decoder.file }]];
    if (m.decoderSplit && q.decoderSplit) out.int8.push([{ label: 'split float32', split: true }, { label: 'split int8', split: true, image: q.decoderSplit.image.file, prompt: q.decoderSplit.prompt.file }]);
  }
  return out;
}
