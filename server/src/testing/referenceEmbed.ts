// The in-process pipeline, as the CLI runs it, for comparison with the service:
//   node referenceEmbed.cjs <manifest-f32.json> <manifest-u8.json> <image.u16> <rows> <columns> <outdir>
// writes <outdir>/embedding.f32 (prepareImage + sessionEncoder on the float32-nchw encoder) and
// <outdir>/compact.u8 (what prepareImage gives for the uint8-hw manifest: the service's wire input).
// A separate process because onnxruntime-node's outputs are not Float32Arrays of jest's sandbox realm.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceImage } from '@medsam-ohif/core/src/pipeline/image';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { loadModelPart } from '@medsam-ohif/core/src/pipeline/modelLoader';
import { prepareImage, sessionEncoder } from '@medsam-ohif/core/src/pipeline/predictor';
import { nodeModelSource } from '@medsam-ohif/core/src/runtimes/nodeModelSource';
import { createOrtNodeBackend } from '@medsam-ohif/core/src/runtimes/ortNode';

const manifestAt = (path: string) => parseManifest(JSON.parse(readFileSync(path, 'utf8')));
const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function main(): Promise<void> {
  const [f32Path, u8Path, imagePath, rows, columns, outdir] = process.argv.slice(2);
  const f32 = manifestAt(f32Path);
  const raw = readFileSync(imagePath);
  const pixels = new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
  const image: SourceImage = { rows: Number(rows), columns: Number(columns), samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'MR' };
  const session = await loadModelPart(f32, 'encoder', nodeModelSource(f32Path), createOrtNodeBackend({ threads: 1 }));
  const embedding = await sessionEncoder(session, f32).encode(prepareImage(image, f32));
  writeFileSync(join(outdir, 'embedding.f32'), bytesOf(embedding.data));
  writeFileSync(join(outdir, 'compact.u8'), bytesOf(prepareImage(image, manifestAt(u8Path)).encoderInput.data));
  await session.release();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
