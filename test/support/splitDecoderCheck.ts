// Run by test/integration/decoder.split.test.ts (bundled by esbuild, in a plain Node process: onnxruntime's
// typed-array checks fail inside jest's sandbox). Compares the unsplit and split decoders of a model on
// phantom-like slices and prints one JSON line. Usage: node <bundle> <manifest.json> <node|wasm>
import { readFileSync } from 'node:fs';
import { decoderFeeds, selectMaskLogits } from '../../core/src/pipeline/decoderFeeds';
import type { ModelSession } from '../../core/src/pipeline/backend';
import type { SourceImage } from '../../core/src/pipeline/image';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { loadModelPart } from '../../core/src/pipeline/modelLoader';
import { prepareImage, sessionEncoder } from '../../core/src/pipeline/predictor';
import { decoderImageFeatures, loadSplitDecoder, promptDecoderSession, releaseSplitDecoder } from '../../core/src/pipeline/splitDecoder';
import type { Tensor } from '../../core/src/pipeline/tensor';
import { decodeModelBox } from '../../core/src/pipeline/volume';
import { createNodeBackend } from '../../core/src/runtimes/backendChoice';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';

const [manifestPath, backendName] = process.argv.slice(2) as [string, 'node' | 'wasm'];
const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));

/** A 256² CT-like slice with two bright ellipses, as the phantoms. */
function slice(seed: number): SourceImage {
  const rows = 256;
  const columns = 256;
  const pixels = new Int16Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const a = ((c - 90 - seed * 7) / 40) ** 2 + ((r - 120) / 55) ** 2 < 1 ? 200 : 0;
      const b = ((c - 180) / 30) ** 2 + ((r - 150 + seed * 5) / 25) ** 2 < 1 ? 120 : 0;
      pixels[r * columns + c] = -50 + a + b + ((r * 31 + c * 17 + seed) % 13);
    }
  }
  return { rows, columns, samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'CT' };
}

const BOXES = [
  { x0: 180, y0: 220, x1: 560, y1: 720 },
  { x0: 560, y0: 400, x1: 860, y1: 760 },
  { x0: 10, y0: 10, x1: 1000, y1: 1010 },
  { x0: 400, y0: 400, x1: 420, y1: 430 },
];

async function logits(decoder: ModelSession, embedding: Tensor, box: (typeof BOXES)[number]) {
  const spec = manifest.decoder;
  const out = await decoder.run(decoderFeeds(spec, embedding, box, manifest.lowResSize, { rows: 256, columns: 256 }), [spec.outputs.lowResLogits]);
  return Float32Array.from(selectMaskLogits(out[spec.outputs.lowResLogits]!, spec.maskIndex, manifest.lowResSize));
}

async function main() {
  const backend = await createNodeBackend(backendName, 2);
  const source = nodeModelSource(manifestPath);
  const decoder = await loadModelPart(manifest, 'decoder', source, backend);
  const encoder = await loadModelPart(manifest, 'encoder', source, backend);
  const split = await loadSplitDecoder(manifest, source, backend);
  if (!split) throw new Error(`${manifestPath} has no decoderSplit`);
  let worst = 0;
  let largest = 0;
  let masksEqual = 0;
  let masks = 0;
  let maskPixels = 0;
  for (const seed of [0, 3]) {
    const prepared = prepareImage(slice(seed), manifest);
    const embedding = await sessionEncoder(encoder, manifest).encode(prepared);
    const prompt = promptDecoderSession(split, await decoderImageFeatures(split, manifest, embedding));
    for (const box of BOXES) {
      const a = await logits(decoder, embedding, box);
      const b = await logits(prompt, embedding, box);
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        largest = Math.max(largest, Math.abs(a[i]!));
      }
      const m1 = await decodeModelBox(decoder, manifest, embedding, prepared, box);
      const m2 = await decodeModelBox(prompt, manifest, embedding, prepared, box);
      masks++;
      if (Buffer.from(m1.data).equals(Buffer.from(m2.data))) masksEqual++;
      maskPixels += m1.data.reduce((s, v) => s + (v ? 1 : 0), 0);
    }
  }
  await releaseSplitDecoder(split);
  // A manifest that names an image output the graph does not have is refused with the name.
  let badOutput = '';
  const wrong = { ...manifest, decoderSplit: { ...split.spec, image: { ...split.spec.image, outputs: [...split.spec.image.outputs.slice(1), 'coarse'] } } };
  try {
    await loadSplitDecoder(wrong, source, backend);
  } catch (e) {
    badOutput = e instanceof Error ? e.message : String(e);
  }
  await Promise.all([decoder.release(), encoder.release()]);
  process.stdout.write(`${JSON.stringify({ worst, largest, masks, masksEqual, maskPixels, badOutput })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
