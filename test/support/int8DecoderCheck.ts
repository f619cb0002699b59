// The int8 decoder's masks against the float32 decoder's on the held-out CT phantoms
// (test/fixtures/phantoms: seeds never used in training), through the product pipeline with a real runtime.
// Run by test/integration/decoder.int8.test.ts (bundled by esbuild, in a plain Node process), and by hand to
// record the figures in the int8 manifest (models/export/README.md). Prints one JSON line.
//   node <bundle> <float32 manifest> <int8 manifest> <node|wasm> <phantom fixtures dir>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ModelSession } from '../../core/src/pipeline/backend';
import type { Mask } from '../../core/src/pipeline/image';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { loadModelPart } from '../../core/src/pipeline/modelLoader';
import { prepareImage, segmentBox, sessionEncoder } from '../../core/src/pipeline/predictor';
import { decoderImageFeatures, loadSplitDecoder, promptDecoderSession, releaseSplitDecoder } from '../../core/src/pipeline/splitDecoder';
import { createNodeBackend } from '../../core/src/runtimes/backendChoice';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';

interface PhantomCase {
  readonly name: string;
  readonly rows: number;
  readonly columns: number;
  readonly hu: string;
  readonly mask: string;
  readonly box: readonly [number, number, number, number];
}

const [floatPath, int8Path, backendName, fixtures] = process.argv.slice(2) as [string, string, 'node' | 'wasm', string];

function iou(a: Mask, b: Mask): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i] !== 0;
    const y = b.data[i] !== 0;
    if (x && y) both++;
    if (x || y) either++;
  }
  return either === 0 ? 1 : both / either;
}

function dice(a: Mask, truth: Uint8Array): number {
  let both = 0;
  let sum = 0;
  for (let i = 0; i < truth.length; i++) {
    const x = a.data[i] !== 0;
    const y = truth[i] !== 0;
    if (x && y) both++;
    sum += (x ? 1 : 0) + (y ? 1 : 0);
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

const gz = (file: string) => gunzipSync(readFileSync(join(fixtures, file)));

async function main() {
  const floatManifest = parseManifest(JSON.parse(readFileSync(floatPath, 'utf8')));
  const int8Manifest = parseManifest(JSON.parse(readFileSync(int8Path, 'utf8')));
  if (int8Manifest.encoder.sha256 !== floatManifest.encoder.sha256) throw new Error('the two manifests must share the encoder');
  const backend = await createNodeBackend(backendName, 2);
  const floatSource = nodeModelSource(floatPath);
  const int8Source = nodeModelSource(int8Path);
  const encoder = await loadModelPart(floatManifest, 'encoder', floatSource, backend);
  const reference = await loadModelPart(floatManifest, 'decoder', floatSource, backend);
  const int8 = await loadModelPart(int8Manifest, 'decoder', int8Source, backend);
  const split = await loadSplitDecoder(int8Manifest, int8Source, backend);
  const { cases } = JSON.parse(readFileSync(join(fixtures, 'index.json'), 'utf8')) as { cases: PhantomCase[] };
  const perCase: { name: string; iou: number; iouSplit: number | null; diceFloat: number; diceInt8: number }[] = [];
  const timing = { float: 0, int8: 0 };
  for (const c of cases) {
    const hu = gz(c.hu);
    const pixels = new Int16Array(hu.buffer.slice(hu.byteOffset, hu.byteOffset + hu.byteLength));
    const prepared = prepareImage({ rows: c.rows, columns: c.columns, samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'CT' }, floatManifest);
    const embedding = await sessionEncoder(encoder, floatManifest).encode(prepared);
    const box = { x0: c.box[0], y0: c.box[1], x1: c.box[2], y1: c.box[3] };
    const run = async (session: ModelSession, manifest = int8Manifest) => segmentBox(session, manifest, embedding, prepared, box);
    const f = await run(reference, floatManifest);
    const q = await run(int8);
    timing.float += f.timings.decoder;
    timing.int8 += q.timings.decoder;
    const s = split ? await run(promptDecoderSession(split, await decoderImageFeatures(split, int8Manifest, embedding))) : null;
    const truth = new Uint8Array(gz(c.mask));
    perCase.push({ name: c.name, iou: iou(f.mask, q.mask), iouSplit: s ? iou(f.mask, s.mask) : null, diceFloat: dice(f.mask, truth), diceInt8: dice(q.mask, truth) });
  }
  if (split) await releaseSplitDecoder(split);
  await Promise.all([encoder.release(), reference.release(), int8.release()]);
  const ious = perCase.flatMap((p) => (p.iouSplit === null ? [p.iou] : [p.iou, p.iouSplit]));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  process.stdout.write(
    `${JSON.stringify({
      runtime: backend.name,
      cases: perCase.length,
      minIou: Math.min(...ious),
      meanIou: mean(ious),
      meanDiceFloat: mean(perCase.map((p) => p.diceFloat)),
      meanDiceInt8: mean(perCase.map((p) => p.diceInt8)),
      minDiceInt8: Math.min(...perCase.map((p) => p.diceInt8)),
      splitChecked: split !== null,
      decoderMs: { float: timing.float / perCase.length, int8: timing.int8 / perCase.length },
      perCase,
    })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
