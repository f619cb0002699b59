// Run by test/integration/decoder.optimized.test.ts (bundled by esbuild, in a plain Node process). Opens a
// model's decoder and split decoder twice with onnxruntime-web's WASM build — the pre-optimised files
// (manifest `optimized`, graph optimisation off) and the original files (optimised at load) — and compares
// their logits on phantom-like slices. Prints one JSON line. Usage: node <bundle> <manifest.json>
import { readFileSync } from 'node:fs';
import type { InferenceBackend } from '../../core/src/pipeline/backend';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { loadModelPart, type ModelFileSource } from '../../core/src/pipeline/modelLoader';
import { prepareImage, sessionEncoder } from '../../core/src/pipeline/predictor';
import { decoderImageFeatures, loadSplitDecoder, promptDecoderSession, releaseSplitDecoder } from '../../core/src/pipeline/splitDecoder';
import { createNodeBackend } from '../../core/src/runtimes/backendChoice';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';
import { maskLogits, phantomSlice } from './decoderCheckInputs';

const [manifestPath] = process.argv.slice(2) as [string];
const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));

const BOXES = [
  { x0: 180, y0: 220, x1: 560, y1: 720 },
  { x0: 560, y0: 400, x1: 860, y1: 760 },
  { x0: 10, y0: 10, x1: 1000, y1: 1010 },
];

/** The files a loader reads, in order. */
function recording(source: ModelFileSource, into: string[]): ModelFileSource {
  return { read: (file, progress) => (into.push(file), source.read(file, progress)) };
}

async function open(backend: InferenceBackend, files: string[]) {
  const source = recording(nodeModelSource(manifestPath), files);
  const t = performance.now();
  const decoder = await loadModelPart(manifest, 'decoder', source, backend);
  const split = await loadSplitDecoder(manifest, source, backend);
  if (!split) throw new Error(`${manifestPath} has no decoderSplit`);
  return { decoder, split, ms: performance.now() - t };
}

async function main() {
  const wasm = await createNodeBackend('wasm', 2);
  if (wasm.opensPreOptimized !== true) throw new Error('the WASM backend does not take pre-optimised files');
  const original: InferenceBackend = { name: wasm.name, createSession: (m, o) => wasm.createSession(m, o), opensPreOptimized: false };
  const preOptimizedFiles: string[] = [];
  const originalFiles: string[] = [];
  const pre = await open(wasm, preOptimizedFiles);
  const orig = await open(original, originalFiles);
  const source = nodeModelSource(manifestPath);
  const encoder = await loadModelPart(manifest, 'encoder', source, original);
  let worst = 0;
  let largest = 0;
  let compared = 0;
  for (const seed of [0, 3]) {
    const embedding = await sessionEncoder(encoder, manifest).encode(prepareImage(phantomSlice(seed), manifest));
    const prePrompt = promptDecoderSession(pre.split, await decoderImageFeatures(pre.split, manifest, embedding));
    const origPrompt = promptDecoderSession(orig.split, await decoderImageFeatures(orig.split, manifest, embedding));
    for (const box of BOXES) {
      const reference = await maskLogits(manifest, orig.decoder, embedding, box);
      for (const other of [await maskLogits(manifest, pre.decoder, embedding, box), await maskLogits(manifest, prePrompt, embedding, box), await maskLogits(manifest, origPrompt, embedding, box)]) {
        for (let i = 0; i < reference.length; i++) {
          worst = Math.max(worst, Math.abs(reference[i]! - other[i]!));
          largest = Math.max(largest, Math.abs(reference[i]!));
        }
        compared++;
      }
    }
  }
  await Promise.all([releaseSplitDecoder(pre.split), releaseSplitDecoder(orig.split), pre.decoder.release(), orig.decoder.release(), encoder.release()]);
  process.stdout.write(`${JSON.stringify({ worst, largest, compared, preOptimizedFiles, originalFiles, openMs: { preOptimized: pre.ms, original: orig.ms } })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
