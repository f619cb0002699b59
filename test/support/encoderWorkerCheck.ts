// Run by test/integration/encoderWorker.handover.test.ts (bundled by esbuild, in a plain Node process:
// onnxruntime's typed-array checks fail inside jest's sandbox). The viewer's encoder worker in Node: this
// file's main thread plays the inference worker (its own onnxruntime-web, `localThreads` WASM threads), a
// worker thread started from the same file plays the encoder worker (serveEncoder with its own
// onnxruntime-web, 1 thread), and RemoteEncoder/startEncoderWorker connect them, as in the browser. Prints
// one JSON line: whether the embeddings and masks through the encoder worker equal those computed here.
// Usage: node <bundle> <manifest.json> <localThreads>
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { loadModelPart } from '../../core/src/pipeline/modelLoader';
import { decodeModelBox } from '../../core/src/pipeline/volume';
import { createNodeBackend } from '../../core/src/runtimes/backendChoice';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';
import { browserProducer } from '../../extensions/medsam/src/worker/encoders/browserEncoder';
import type { EncoderWorkerSettings } from '../../extensions/medsam/src/worker/encoderWorker/messages';
import { startEncoderWorker, type EncoderWorkerLike } from '../../extensions/medsam/src/worker/encoderWorker/RemoteEncoder';
import { serveEncoder, type OpenEncoder } from '../../extensions/medsam/src/worker/encoderWorker/serveEncoder';
import { phantomSlice } from './decoderCheckInputs';

/** The encoder worker's session: onnxruntime-web (WASM) with its share of threads; manifestUrl is a file path here. */
const openNodeEncoder: OpenEncoder = async (settings) => {
  const backend = await createNodeBackend('wasm', settings.threads);
  const session = await loadModelPart(settings.manifest, 'encoder', nodeModelSource(settings.manifestUrl), backend);
  return { manifest: settings.manifest, session, backend: backend.name, threads: settings.threads };
};

/** A Node worker thread behind the interface the inference worker uses for a browser Worker. */
function threadWorker(): EncoderWorkerLike {
  const worker = new Worker(__filename);
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer as unknown as ArrayBuffer[]),
    addEventListener(type: 'message' | 'error', listener: ((event: MessageEvent<unknown>) => void) | ((event: ErrorEvent) => void)) {
      if (type === 'message') worker.on('message', (data: unknown) => (listener as (e: MessageEvent<unknown>) => void)({ data } as MessageEvent<unknown>));
      else worker.on('error', (e: Error) => (listener as (e: ErrorEvent) => void)({ message: e.message } as ErrorEvent));
    },
    terminate: () => void worker.terminate(),
  };
}

const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

async function main() {
  const [manifestPath, threadsArg] = process.argv.slice(2) as [string, string];
  const localThreads = Number(threadsArg);
  const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const backend = await createNodeBackend('wasm', localThreads);
  const source = nodeModelSource(manifestPath);
  const encoder = await loadModelPart(manifest, 'encoder', source, backend);
  const local = browserProducer(manifest, async () => encoder);
  const decoder = await loadModelPart(manifest, 'decoder', source, backend);
  const warnings: string[] = [];
  const settings: EncoderWorkerSettings = { manifestUrl: manifestPath, manifest, backends: ['wasm'], ortBaseUrl: '', threads: 1, modelCacheName: null };
  const remote = await startEncoderWorker(threadWorker, settings, () => undefined, (w) => warnings.push(w));
  if (!remote) throw new Error(`the encoder worker did not start: ${warnings.join('; ')}`);
  const ct = { kind: 'ct-window' } as const;
  const box = { x0: 180, y0: 220, x1: 560, y1: 720 };
  let embeddingsEqual = 0;
  let masksEqual = 0;
  let maskPixels = 0;
  const seeds = [0, 2, 4];
  // Sent together, as the 3D walk's lookahead does: the thread works through them in order.
  const there = await Promise.all(seeds.map((seed) => remote.embed(phantomSlice(seed), ct, undefined, () => undefined)));
  for (const [i, seed] of seeds.entries()) {
    const here = await local.embed(phantomSlice(seed), ct, undefined, () => undefined);
    const far = there[i]!;
    if (sameBytes(far.embedding.data, here.embedding.data) && JSON.stringify(far.prepared) === JSON.stringify(here.prepared)) embeddingsEqual++;
    const a = await decodeModelBox(decoder, manifest, here.embedding, here.prepared, box);
    const b = await decodeModelBox(decoder, manifest, far.embedding, far.prepared, box);
    if (sameBytes(a.data, b.data)) masksEqual++;
    maskPixels += a.data.reduce((n, v) => n + (v ? 1 : 0), 0);
  }
  remote.terminate();
  process.stdout.write(`${JSON.stringify({ slices: seeds.length, embeddingsEqual, masksEqual, maskPixels, localThreads, encoderThreads: remote.threads, warnings })}\n`);
}

if (isMainThread) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
} else {
  const port = parentPort!;
  serveEncoder({ postMessage: (m, t) => port.postMessage(m, t as unknown as ArrayBuffer[]), addEventListener: (_t, l) => port.on('message', (data: unknown) => l({ data } as MessageEvent<unknown>)) }, openNodeEncoder);
}
