#!/usr/bin/env node
// Measures an int8 manifest (quantize_decoder.py --manifest) against its float32 reference on the held-out CT
// phantoms (test/fixtures/phantoms) with onnxruntime-web's WASM build, as browsers run it, and records the
// mask IoU in the manifest's decoderQuantization.maskIou. Refuses (exit 1, manifest left unloadable) below 0.98.
//   node models/export/record_int8_iou.mjs models/test-tiny/manifest_int8.json
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MIN_IOU = 0.98;
const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node models/export/record_int8_iou.mjs <manifest_int8.json>\n');
  process.exit(2);
}
const manifestPath = path.resolve(file);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const reference = manifest.decoderQuantization?.reference;
if (!reference) {
  process.stderr.write(`${file} has no decoderQuantization.reference: make it with quantize_decoder.py --manifest\n`);
  process.exit(2);
}
// Measured without the recorded figure (a manifest without it is not loadable; a stale one must not count).
const { maskIou, ...rest } = manifest.decoderQuantization;
void maskIou;
const measured = path.join(path.dirname(manifestPath), '.manifest_int8.measuring.json');
writeFileSync(measured, JSON.stringify({ ...manifest, decoderQuantization: { ...rest, maskIou: { min: 1, mean: 1, cases: 1, measuredOn: 'being measured' } } }));
mkdirSync(path.join(ROOT, 'node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(path.join(ROOT, 'node_modules/.cache/int8-check-'));
try {
  const program = path.join(dir, 'int8DecoderCheck.cjs');
  await build({ entryPoints: [path.join(ROOT, 'test/support/int8DecoderCheck.ts')], outfile: program, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node', 'onnxruntime-web'], logLevel: 'warning' });
  const fixtures = path.join(ROOT, 'test/fixtures/phantoms');
  const out = execFileSync(process.execPath, [program, path.resolve(path.dirname(manifestPath), reference), measured, 'wasm', fixtures], { encoding: 'utf8', cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop());
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/onnxruntime-web/package.json'), 'utf8'));
  const seeds = JSON.parse(readFileSync(path.join(fixtures, 'index.json'), 'utf8')).seeds;
  const figures = { min: round(r.minIou), mean: round(r.meanIou), cases: r.cases, measuredOn: `test/fixtures/phantoms (held-out seeds ${seeds.join(', ')}; unsplit and split decoder), onnxruntime-web ${version} WASM` };
  process.stdout.write(`${JSON.stringify({ ...figures, meanDiceFloat: round(r.meanDiceFloat), meanDiceInt8: round(r.meanDiceInt8), minDiceInt8: round(r.minDiceInt8) })}\n`);
  if (r.minIou < MIN_IOU) {
    process.stderr.write(`int8 decoder refused: its smallest mask IoU against float32 is ${r.minIou.toFixed(4)} (needs >= ${MIN_IOU}); ${file} was not changed\n`);
    process.exit(1);
  }
  writeFileSync(manifestPath, `${JSON.stringify({ ...manifest, decoderQuantization: { ...rest, maskIou: figures } }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(measured, { force: true });
}

function round(x) {
  return Math.floor(x * 10000) / 10000; // down: the record never claims more than was measured
}
