// Run by test/integration/decoder.optimized.test.ts (bundled by esbuild, in a plain Node process). Opens a
// model's decoder and split decoder twice with onnxruntime-web's WASM build — the pre-optimised files
// (manifest `optimized`, graph optimisation off) and the original files (optimised at load) — and compares
// their logits on phantom-like slices. Prints one JSON line. Usage: node <bundle> <manifest.json>
import { readFileSync } from 'node:fs';
import type { InferenceBackend, ModelSession } from '../../core/src/pipeline/backend';
import { decoderFeeds, selectMaskLogits } from '../../core/src/pipeline/decoderFeeds';
import type { SourceImage } from '../../core/src/pipeline/image';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { loadModelPart, type ModelFileSource } from '../../core/src/pipeline/modelLoader';
import { prepareImage, sessionEncoder } from '../../core/src/pipeline/predictor';
import { decoderImageFeatures, loadSplitDecoder, promptDecoderSession, releaseSplitDecoder } from '../../core/src/pipeline/splitDecoder';
import type { Tensor } from '../../core/src/pipeline/tensor';
import { createNodeBackend } from '../../core/src/runtimes/backendChoice';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';

const [manifestPath] = process.argv.slice(2) as [string];
const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));

function slice(seed: number): SourceImage {
  const rows = 256;
  const columns = 256;
  const pixels = new Int16Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const liver = ((c - 90 - seed * 7) / 40) ** 2 + ((r - 120) / 55) ** 2 < 1 ? 200 : 0;
      const kidney = ((c - 180) / 30) ** 2 + ((r - 150 + seed * 5) / 25) ** 2 < 1 ? 120 : 0;
      pixels[r * columns + c] = -50 + liver + kidney + ((r * 31 + c * 17 + seed) % 13);
    }
  }
  return { rows, columns, samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'CT' };
}

const BOXES = [
  { x0: 180, y0: 220, x1: 560, y1: 720 },
  { x0: 560, y0: 400, x1: 860, y1: 760 },
  { x0: 10, y0: 10, x1: 1000, y1: 1010 },
];

/** The files a loader reads, in order. */
function recording(source: ModelFileSource, into: string[]): ModelFileSource {
  return { read: (file, progress) => (into.push(file), source.read(file, progress)) };
}

async function logits(decoder: ModelSession, embedding: Tensor, box: (typeof BOXES)[number]) {
  const spec = manifest.decoder;
  const out = await decoder.run(decoderFeeds(spec, embedding, box, manifest.lowResSize, { rows: 256, columns: 256 }), [spec.outputs.lowResLogits]);
  return Float32Array.from(selectMaskLogits(out[spec.outputs.lowResLogits]!, spec.maskIndex, manifest.lowResSize));
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
    const embedding = await sessionEncoder(encoder, manifest).encode(prepareImage(slice(seed), manifest));
    const prePrompt = promptDecoderSession(pre.split, await decoderImageFeatures(pre.split, manifest, embedding));
    const origPrompt = promptDecoderSession(orig.split, await decoderImageFeatures(orig.split, manifest, embedding));
    for (const box of BOXES) {
      const reference = await logits(orig.decoder, embedding, box);
      for (const other of [await logits(pre.decoder, embedding, box), await logits(prePrompt, embedding, box), await logits(origPrompt, embedding, box)]) {
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
