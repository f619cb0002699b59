// Run by test/integration/decoder.split.test.ts (bundled by esbuild, in a plain Node process: onnxruntime's
// typed-array checks fail inside jest's sandbox). Compares the unsplit and split decoders of a model on
// phantom-like slices and prints one JSON line. Usage: node <bundle> <manifest.json> <node|wasm>
import { readFileSync } from 'node:fs';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { loadModelPart } from '../../core/src/pipeline/modelLoader';
import { prepareImage, sessionEncoder } from '../../core/src/pipeline/predictor';
import { decoderImageFeatures, loadSplitDecoder, promptDecoderSession, releaseSplitDecoder } from '../../core/src/pipeline/splitDecoder';
import { decodeModelBox } from '../../core/src/pipeline/volume';
import { createNodeBackend } from '../../core/src/runtimes/backendChoice';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';
import { maskLogits, phantomSlice } from './decoderCheckInputs';

const [manifestPath, backendName] = process.argv.slice(2) as [string, 'node' | 'wasm'];
const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));

const BOXES = [
  { x0: 180, y0: 220, x1: 560, y1: 720 },
  { x0: 560, y0: 400, x1: 860, y1: 760 },
  { x0: 10, y0: 10, x1: 1000, y1: 1010 },
  { x0: 400, y0: 400, x1: 420, y1: 430 },
];

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
    const prepared = prepareImage(phantomSlice(seed), manifest);
    const embedding = await sessionEncoder(encoder, manifest).encode(prepared);
    const prompt = promptDecoderSession(split, await decoderImageFeatures(split, manifest, embedding));
    for (const box of BOXES) {
      const a = await maskLogits(manifest, decoder, embedding, box);
      const b = await maskLogits(manifest, prompt, embedding, box);
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
