#!/usr/bin/env node
// onnxruntime's graph optimisations done once, at export time, instead of at every load in the browser.
//   node models/export/optimize_decoder.mjs models/<model>/manifest.json [more manifests …]
// For the decoder and the split decoder's parts of each manifest: onnxruntime-node saves the graph optimised at
// level "extended" (<name>.opt.onnx beside it); onnxruntime-web's WASM build must open it with optimisation
// off and give the original's outputs within 1e-5 (else nothing is written); the manifest entry then gets
// `optimized` {file, sha256, bytes, level, onnxruntime}. "Within 1e-5" is relative to the largest output
// value (1e-5 × max(1, |largest|)), as export_medsam.py's --check: the native optimiser folds constants with
// native kernels, a last-bit difference on values in the hundreds. Level "all" is not used: it adds NCHWc layouts that
// only native x86 builds have. The WASM runtime opens `optimized` files; WebGPU and native runtimes keep the
// original files (an extended graph holds CPU-kernel fusions).
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ortNode = require('onnxruntime-node');
const ortWeb = await import('onnxruntime-web');
const LEVEL = 'extended';
const TOLERANCE = 1e-5;

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const optName = (file) => file.replace(/\.onnx$/, '') + '.opt.onnx';

/** Deterministic feeds for every input the session declares (SAM contract names, image-part outputs). */
async function feedsFor(session, manifest, extra) {
  const [, c, h, w] = manifest.embeddingDims;
  const embedding = Float32Array.from({ length: c * h * w }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const s = manifest.inputSize;
  const known = {
    [manifest.decoder.inputs.embedding]: new ortWeb.Tensor('float32', embedding, manifest.embeddingDims),
    [manifest.decoder.inputs.pointCoords]: new ortWeb.Tensor('float32', Float32Array.of(s * 0.2, s * 0.3, s * 0.6, s * 0.7), [1, 2, 2]),
    [manifest.decoder.inputs.pointLabels]: new ortWeb.Tensor('float32', Float32Array.of(2, 3), [1, 2]),
    [manifest.decoder.inputs.maskInput]: new ortWeb.Tensor('float32', new Float32Array(manifest.lowResSize ** 2), [1, 1, manifest.lowResSize, manifest.lowResSize]),
    [manifest.decoder.inputs.hasMaskInput]: new ortWeb.Tensor('float32', Float32Array.of(0), [1]),
    [manifest.decoder.inputs.origImSize]: new ortWeb.Tensor('float32', Float32Array.of(512, 512), [2]),
    ...extra,
  };
  const feeds = {};
  for (const name of session.inputNames) {
    if (!known[name]) throw new Error(`no feed for input "${name}"`);
    feeds[name] = known[name];
  }
  return feeds;
}

async function runWeb(file, level, manifest, extra) {
  const session = await ortWeb.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'], graphOptimizationLevel: level });
  const out = await session.run(await feedsFor(session, manifest, extra));
  await session.release();
  return out;
}

/** Writes <file>.opt.onnx when WASM opens it and it matches; → the manifest's `optimized` entry. */
async function optimize(dir, entry, manifest, extra) {
  const src = path.join(dir, entry.file);
  const dst = path.join(dir, optName(entry.file));
  const tmp = `${dst}.tmp`;
  await ortNode.InferenceSession.create(src, { executionProviders: ['cpu'], graphOptimizationLevel: LEVEL, optimizedModelFilePath: tmp });
  try {
    const a = await runWeb(src, 'all', manifest, extra);
    const b = await runWeb(tmp, 'disabled', manifest, extra);
    let worst = 0;
    let largest = 1;
    for (const name of Object.keys(a)) {
      const x = a[name].data;
      const y = b[name]?.data;
      if (!y || y.length !== x.length) throw new Error(`${entry.file}: the optimised graph's output "${name}" differs in shape`);
      for (let i = 0; i < x.length; i++) {
        worst = Math.max(worst, Math.abs(x[i] - y[i]));
        largest = Math.max(largest, Math.abs(x[i]));
      }
    }
    if (!(worst <= TOLERANCE * largest)) throw new Error(`${entry.file}: the optimised graph's outputs differ by ${worst} (more than ${TOLERANCE} × ${largest})`);
    renameSync(tmp, dst);
    return { entry: { file: path.basename(dst), sha256: sha256(dst), bytes: statSync(dst).size, level: LEVEL, onnxruntime: ortWeb.env.versions.web }, worst, largest, outputs: a };
  } finally {
    rmSync(tmp, { force: true });
  }
}

for (const manifestPath of process.argv.slice(2)) {
  const dir = path.dirname(path.resolve(manifestPath));
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const report = {};
  const d = await optimize(dir, manifest.decoder, manifest, {});
  manifest.decoder.optimized = d.entry;
  report[manifest.decoder.file] = { worst: d.worst, largest: d.largest };
  if (manifest.decoderSplit) {
    const image = await optimize(dir, manifest.decoderSplit.image, manifest, {});
    manifest.decoderSplit.image.optimized = image.entry;
    report[manifest.decoderSplit.image.file] = { worst: image.worst, largest: image.largest };
    const features = Object.fromEntries(manifest.decoderSplit.image.outputs.map((n) => [n, image.outputs[n]]));
    const prompt = await optimize(dir, manifest.decoderSplit.prompt, manifest, features);
    manifest.decoderSplit.prompt.optimized = prompt.entry;
    report[manifest.decoderSplit.prompt.file] = { worst: prompt.worst, largest: prompt.largest };
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ manifest: manifestPath, largestDifference: report })}\n`);
}
