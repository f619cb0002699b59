// Held-out evaluation for the fine-tuning proof, run as a plain Node program (onnxruntime-node needs Node's
// own typed arrays, which jest's sandbox replaces): the product pipeline — DICOM reader, prepareImage, the
// manifest's encoder and decoder, segmentBox — on phantom studies, box = the truth's bounding box jittered as
// the test model's own held-out evaluation does (models/testing/README.md).
//   node finetuneHeldOut.cjs <studies dir> <manifest.json>[,<manifest.json>…]  →  JSON {manifest: {structure: mean Dice}}
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomImage } from '../../core/src/io/readDicom';
import { loadModelPart } from '../../core/src/pipeline/modelLoader';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { prepareImage, segmentBox, sessionEncoder } from '../../core/src/pipeline/predictor';
import { createOrtNodeBackend } from '../../core/src/runtimes/ortNode';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';
import { dice } from './cli';
import { readNpyU8, type PhantomStudy } from './finetunePhantoms';

/** The structures scored: the new one (BODY) and organs the test model was trained on (phantom label ids). */
export const SCORED: Record<string, (label: number) => boolean> = {
  BODY: (l) => l > 0,
  liver: (l) => l === 4 || l === 11,
  spleen: (l) => l === 5,
  kidney_left: (l) => l === 7,
};
/** As the test model's own evaluation: smaller cross-sections are not scored. */
const MIN_AREA = 300;
/** As the test model's own evaluation (models/testing/phantom_dataset.py): each box edge moved by up to 5 % of the box size, either way. */
const JITTER = 0.05;

/** A small seeded generator (mulberry32): the same boxes for every model and run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function evaluate(dir: string, manifestPath: string): Promise<Record<string, number>> {
  const studies = (JSON.parse(readFileSync(join(dir, 'studies.json'), 'utf8')) as { studies: PhantomStudy[] }).studies;
  const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const backend = createOrtNodeBackend({ threads: 2 });
  const source = nodeModelSource(manifestPath);
  const [encoder, decoder] = await Promise.all([loadModelPart(manifest, 'encoder', source, backend), loadModelPart(manifest, 'decoder', source, backend)]);
  const scores: Record<string, number[]> = {};
  const next = random(12);
  for (const study of studies) {
    const labels = readNpyU8(join(dir, study.labels));
    const [, rows, columns] = labels.shape;
    for (const [i, slice] of study.slices.entries()) {
      const prepared = prepareImage(readDicomImage(new Uint8Array(readFileSync(join(dir, slice.file)))), manifest);
      const embedding = await sessionEncoder(encoder, manifest).encode(prepared);
      const plane = labels.data.subarray(i * rows * columns, (i + 1) * rows * columns);
      for (const [name, inside] of Object.entries(SCORED)) {
        const truth = Uint8Array.from(plane, (l) => (inside(l) ? 1 : 0));
        let x0 = columns, y0 = rows, x1 = -1, y1 = -1, area = 0;
        truth.forEach((v, k) => {
          if (!v) return;
          const r = Math.floor(k / columns), c = k % columns;
          x0 = Math.min(x0, c); x1 = Math.max(x1, c); y0 = Math.min(y0, r); y1 = Math.max(y1, r); area++;
        });
        if (area < MIN_AREA) continue;
        const w = x1 - x0 + 1;
        const h = y1 - y0 + 1;
        const move = (size: number) => (next() * 2 - 1) * Math.max(size * JITTER, 0.5);
        const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
        const box = { x0: clamp(x0 + move(w), columns - 1), y0: clamp(y0 + move(h), rows - 1), x1: clamp(x1 + move(w), columns - 1), y1: clamp(y1 + move(h), rows - 1) };
        const result = await segmentBox(decoder, manifest, embedding, prepared, box);
        (scores[name] ??= []).push(dice(result.mask.data, truth));
      }
    }
  }
  await Promise.all([encoder.release(), decoder.release()]);
  return Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
}

async function main() {
  const [dir, manifests] = process.argv.slice(2);
  const out: Record<string, Record<string, number>> = {};
  for (const m of manifests.split(',')) out[m] = await evaluate(dir, m);
  process.stdout.write(JSON.stringify(out));
}

if (require.main === module) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
