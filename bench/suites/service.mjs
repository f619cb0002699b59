// The embedding service (server/, Open Inference Protocol v2) against a raw onnxruntime-node session with
// the service's own thread count: latency and throughput with 1 and 4 concurrent clients (the project's
// client, core/src/runtimes/oipClient.ts), and the bytes a request and an embedding put on the wire.
// At 1 client, raw runs and service requests alternate (never overlapping), so a machine whose load drifts
// during the minutes a ViT-B comparison takes does not favour either side.
import os from 'node:os';
import { childMain, progress } from '../lib/child.mjs';
import { phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, loadOip, loadOrt } from '../lib/project.mjs';
import { figure, now, row } from '../lib/rows.mjs';
import { startService } from '../lib/serviceProcess.mjs';
import { summarize } from '../lib/stats.mjs';
import { startWireCounter } from '../lib/wireCounter.mjs';

/** Sequential requests from `clients` concurrent loops → latencies and requests per second. */
async function load(encode, clients, perClient) {
  const latencies = [];
  const t0 = now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) {
        const t = now();
        await encode();
        latencies.push(now() - t);
      }
    }),
  );
  return { latencies, perSecond: (clients * perClient) / ((now() - t0) / 1000) };
}

const timed = async (fn) => {
  const t = now();
  await fn();
  return now() - t;
};

/** The client sends the compact uint8 image: the same model described as a "uint8-hw" encoder. */
function compactManifest(manifest) {
  if (manifest.encoder.inputFormat === 'uint8-hw') return manifest;
  return { ...manifest, encoder: { ...manifest.encoder, inputFormat: 'uint8-hw', inputs: { image: 'image_u8' } } };
}

/** A raw session with the service worker's options (createOrtNodeBackend's) and thread count. */
async function rawEncoder(core, manifest, file, image, threads) {
  const ort = loadOrt('onnxruntime-node');
  const bytes = await core.nodeModelSource(file).read(manifest.encoder.file);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], enableCpuMemArena: false, intraOpNumThreads: threads });
  const input = core.prepareImage(image, manifest).encoderInput;
  const feed = { [manifest.encoder.inputs.image]: new ort.Tensor(input.type, input.data, input.dims) };
  return { run: () => session.run(feed, [manifest.encoder.outputs.embedding]), release: () => session.release() };
}

async function wireBytes(oipEncoder, url, client, prepared, timeoutMs) {
  const counter = await startWireCounter(url);
  const wire = {};
  try {
    for (const output of ['FP32', 'FP16']) {
      const viaCounter = oipEncoder({ url: counter.url, output, timeoutMs }, client);
      await viaCounter.checkReady();
      counter.reset();
      await viaCounter.encode(prepared);
      wire[output] = counter.read();
    }
  } finally {
    await counter.close();
  }
  return wire;
}

export async function run({ model, size, warmup, reps, reps32 = reps, perClient4 }) {
  const core = loadCore();
  const { oipEncoder } = loadOip();
  const manifest = await loadManifest(core, model.manifest);
  const threads = os.availableParallelism(); // the service's default on one worker: all cores
  const image = phantomSlice(size);
  const at = { suite: 'service', model: model.key, size };

  // Defaults except the per-request timeout: four queued ViT-B runs on a busy 2-core machine can pass the
  // default 120 s, and a benchmark must not turn machine load into failures.
  const timeoutMs = 600_000;
  const service = await startService(model.manifest, ['--timeout-ms', String(timeoutMs)]);
  const raw = await rawEncoder(core, manifest, model.manifest, image, threads);
  const rows = [];
  try {
    const client = compactManifest(manifest);
    const prepared = core.prepareImage(image, client);
    const fp16 = oipEncoder({ url: service.url, output: 'FP16', timeoutMs }, client);
    const fp32 = oipEncoder({ url: service.url, output: 'FP32', timeoutMs }, client);
    await fp16.checkReady();
    await fp32.checkReady();
    for (let i = 0; i < warmup; i++) {
      await raw.run();
      await fp16.encode(prepared);
    }
    const s = { raw: [], service: [], ratio: [] };
    for (let i = 0; i < reps; i++) {
      const first = i % 2 === 0;
      const r = first ? await timed(raw.run) : undefined;
      const v = await timed(() => fp16.encode(prepared));
      const r2 = first ? r : await timed(raw.run);
      s.raw.push(r2);
      s.service.push(v);
      s.ratio.push(r2 / v); // throughput at 1 client is 1 / latency
    }
    await raw.release();
    progress(`${model.key}: 1 client: raw ${Math.round(summarize(s.raw).median)} ms, service ${Math.round(summarize(s.service).median)} ms per embedding`);
    const one32 = await load(() => fp32.encode(prepared), 1, reps32);
    const four = await load(() => fp16.encode(prepared), 4, perClient4);
    progress(`${model.key}: service, 4 clients: ${four.perSecond.toFixed(3)} embeddings/s`);
    const wire = await wireBytes(oipEncoder, service.url, client, prepared, timeoutMs);

    const rawPerSecond = 1000 / summarize(s.raw).median;
    rows.push(
      row({ ...at, runtime: 'raw session', stage: 'latency' }, s.raw),
      row({ ...at, runtime: 'service FP16, 1 client', stage: 'latency' }, s.service),
      row({ ...at, runtime: 'service FP32, 1 client', stage: 'latency' }, one32.latencies),
      row({ ...at, runtime: 'service FP16, 4 clients', stage: 'latency' }, four.latencies),
      figure({ ...at, runtime: 'raw session', stage: 'throughput' }, rawPerSecond, 'embeddings/s'),
      figure({ ...at, runtime: 'service FP16, 1 client', stage: 'throughput' }, 1000 / summarize(s.service).median, 'embeddings/s'),
      figure({ ...at, runtime: 'service FP32, 1 client', stage: 'throughput' }, one32.perSecond, 'embeddings/s'),
      figure({ ...at, runtime: 'service FP16, 4 clients', stage: 'throughput' }, four.perSecond, 'embeddings/s'),
      row({ ...at, runtime: 'service FP16, 1 client', stage: 'throughput / raw (paired)' }, s.ratio, '×'),
      figure({ ...at, runtime: 'service FP32, 1 client', stage: 'throughput / raw' }, one32.perSecond / rawPerSecond, '×'),
      figure({ ...at, runtime: 'service FP16, 4 clients', stage: 'throughput / raw' }, four.perSecond / rawPerSecond, '×'),
    );
    for (const [name, c] of Object.entries(wire)) {
      rows.push(
        figure({ ...at, runtime: `wire ${name}`, stage: 'request (client → service)' }, c.up, 'bytes'),
        figure({ ...at, runtime: `wire ${name}`, stage: 'embedding (service → client)' }, c.down, 'bytes'),
      );
    }
  } finally {
    await service.stop();
  }
  return { rows };
}

await childMain(import.meta.url, run);
