// The in-process decoder, as the viewer's worker and the CLI run it, for comparison with the service's decoder:
//   node referenceDecode.cjs <manifest.json> <compact.u8> <rows> <columns> <x0,y0,x1,y1 model box> <outdir>
// writes <outdir>/embedding.f32 (the manifest's encoder on the compact image), <outdir>/split.f32 (the low-res
// logits of the split decoder: image part + prompt part, as the viewer and the service run it) and
// <outdir>/unsplit.f32 (the unsplit decoder's). onnxruntime-node, one thread. A separate process because
// onnxruntime-node's outputs are not Float32Arrays of jest's sandbox realm.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decoderFeeds } from '@medsam-ohif/core/src/pipeline/decoderFeeds';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { loadModelPart } from '@medsam-ohif/core/src/pipeline/modelLoader';
import { decoderImageFeatures, loadSplitDecoder, promptDecoderSession } from '@medsam-ohif/core/src/pipeline/splitDecoder';
import type { Tensor } from '@medsam-ohif/core/src/pipeline/tensor';
import { nodeModelSource } from '@medsam-ohif/core/src/runtimes/nodeModelSource';
import { createOrtNodeBackend } from '@medsam-ohif/core/src/runtimes/ortNode';

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function main(): Promise<void> {
  const [manifestPath, imagePath, rows, columns, boxText, outdir] = process.argv.slice(2);
  const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const source = nodeModelSource(manifestPath);
  const backend = createOrtNodeBackend({ threads: 1 });
  const s = manifest.inputSize;
  const image = new Uint8Array(readFileSync(imagePath));
  const encoder = await loadModelPart(manifest, 'encoder', source, backend);
  const out = await encoder.run({ [manifest.encoder.inputs.image]: { type: 'uint8', dims: [s, s], data: image } }, [manifest.encoder.outputs.embedding]);
  const embedding = out[manifest.encoder.outputs.embedding] as Tensor;
  writeFileSync(join(outdir, 'embedding.f32'), bytesOf(embedding.data));
  const [x0, y0, x1, y1] = boxText.split(',').map(Number);
  const feeds = decoderFeeds(manifest.decoder, embedding, { x0, y0, x1, y1 }, manifest.lowResSize, { rows: Number(rows), columns: Number(columns) });
  const logits = manifest.decoder.outputs.lowResLogits;
  const split = await loadSplitDecoder(manifest, source, backend);
  if (split) {
    const session = promptDecoderSession(split, await decoderImageFeatures(split, manifest, embedding));
    writeFileSync(join(outdir, 'split.f32'), bytesOf((await session.run(feeds, [logits]))[logits].data));
  }
  const unsplit = await loadModelPart(manifest, 'decoder', source, backend);
  writeFileSync(join(outdir, 'unsplit.f32'), bytesOf((await unsplit.run(feeds, [logits]))[logits].data));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
