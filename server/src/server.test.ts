// Queueing, cancellation, timeouts and shutdown with encoder slots the test controls, so every state (running,
// queued, full) is reached on purpose rather than by timing. Real HTTP on loopback.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { silentLogger } from './log';
import { servedModel } from './models/servedModel';
import { createEmbeddingServer, type EmbeddingServer } from './server';
import { binaryRequest, testImage } from './testing/harness';
import type { EncodeJob, EncodeResult } from './workers/protocol';
import type { EncoderSlot } from './workers/workerSlot';

const manifest = parseManifest(JSON.parse(readFileSync(join(__dirname, '../test-models/manifest-u8.json'), 'utf8')));
const model = servedModel(manifest, 'unused');

/** A slot whose runs finish when the test says so. */
class ControlledSlot implements EncoderSlot {
  ready = true;
  readonly started: EncodeJob[] = [];
  private finishers: ((r: EncodeResult | Error) => void)[] = [];

  run(job: EncodeJob): Promise<EncodeResult> {
    this.started.push(job);
    return new Promise((resolve, reject) => this.finishers.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
  }

  /** Finishes the oldest running job (with a small embedding-shaped result, or an error). */
  finish(result: EncodeResult | Error = { datatype: 'FP32', dims: [1, 256, 64, 64], bytes: new Uint8Array(256 * 64 * 64 * 4), runMs: 5 }): void {
    const f = this.finishers.shift();
    if (!f) throw new Error('nothing is running');
    f(result);
  }

  get running(): number {
    return this.finishers.length;
  }
}

let slot: ControlledSlot;
let server: EmbeddingServer;
let url: string;

async function start(options: { queue?: number; timeoutMs?: number } = {}): Promise<void> {
  slot = new ControlledSlot();
  server = createEmbeddingServer({
    options: { models: [], host: '127.0.0.1', port: 0, threads: 1, concurrency: 1, queue: options.queue ?? 1, maxBodyBytes: 4 << 20, timeoutMs: options.timeoutMs ?? 30_000, corsOrigins: [] },
    models: [model],
    slots: [slot],
    log: silentLogger,
  });
  url = (await server.listen()).url;
}

afterEach(async () => {
  while (slot.running) slot.finish();
  server.http.closeAllConnections();
  await server.shutdown();
});

const image = testImage(1);
const post = (signal?: AbortSignal) => {
  const { body, headers } = binaryRequest(image);
  return fetch(`${url}/v2/models/${model.name}/infer`, { method: 'POST', body, headers, signal });
};
/** Waits for a state of the server or the slot (polled: neither emits events); the bound only catches a hang. */
const until = async (what: () => boolean, description = 'condition') => {
  for (let i = 0; i < 4000 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!what()) throw new Error(`${description} not reached within 20 s`);
};

it('runs one job at a time, queues up to --queue, and turns the rest away with Retry-After', async () => {
  await start({ queue: 1 });
  const first = post();
  await until(() => slot.started.length === 1);
  const second = post();
  await until(() => server.encoderQueue.waiting === 1, 'the second request queued');
  const third = await post();
  expect(third.status).toBe(503);
  expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(await third.json()).toEqual({ error: expect.stringMatching(/all encoder workers are busy and the queue is full/) });
  slot.finish();
  expect((await first).status).toBe(200);
  await until(() => slot.started.length === 2);
  slot.finish();
  expect((await second).status).toBe(200);
});

it('counts requests still sending their body, so memory stays bounded however many arrive at once', async () => {
  await start({ queue: 1 }); // room for 2: one running, one waiting
  const { body, headers } = binaryRequest(image);
  const slowSenders = [0, 1].map(() => {
    const req = request(`${url}/v2/models/${model.name}/infer`, { method: 'POST', headers: { ...headers, 'Content-Length': body.byteLength } });
    req.on('error', () => undefined);
    req.write(body.subarray(0, 1000)); // and then nothing, for now
    return req;
  });
  await new Promise((r) => setTimeout(r, 100));
  const third = await post();
  expect(third.status).toBe(503);
  expect(slot.started).toHaveLength(0);
  for (const req of slowSenders) req.destroy();
});

it('drops a queued job whose client disconnects: it never runs', async () => {
  await start({ queue: 2 });
  const first = post();
  await until(() => slot.started.length === 1);
  const ac = new AbortController();
  const leaving = post(ac.signal).catch((e: unknown) => e);
  await until(() => server.encoderQueue.waiting === 1, 'the leaving request queued');
  ac.abort();
  expect(((await leaving) as Error).name).toBe('AbortError');
  await until(() => server.encoderQueue.waiting === 0, 'the server dropping the job of the client that left');
  const staying = post();
  await until(() => server.encoderQueue.waiting === 1, 'the staying request queued');
  slot.finish();
  expect((await first).status).toBe(200);
  await until(() => slot.started.length === 2);
  slot.finish();
  expect((await staying).status).toBe(200);
  expect(slot.started).toHaveLength(2); // the job of the client that left was never run
});

it('keeps a worker busy until a run whose client left has really finished', async () => {
  await start({ queue: 1 });
  const ac = new AbortController();
  const leaving = post(ac.signal).catch((e: unknown) => e);
  await until(() => slot.started.length === 1);
  ac.abort();
  await leaving;
  const next = post();
  await new Promise((r) => setTimeout(r, 100));
  expect(slot.started).toHaveLength(1); // onnxruntime cannot be interrupted: the next waits for the worker
  slot.finish();
  await until(() => slot.started.length === 2);
  slot.finish();
  expect((await next).status).toBe(200);
});

it('answers 504 when the time runs out in the queue or in the run, and the queued job never runs', async () => {
  await start({ queue: 1, timeoutMs: 300 });
  const running = post();
  await until(() => slot.started.length === 1);
  const queued = post();
  const [a, b] = await Promise.all([running, queued]);
  expect([a.status, b.status]).toEqual([504, 504]);
  expect(((await b.json()) as { error: string }).error).toMatch(/no embedding within 300 ms \(--timeout-ms\), queue wait included/);
  slot.finish();
  await new Promise((r) => setTimeout(r, 50));
  expect(slot.started).toHaveLength(1);
});

it('answers 500 without internals when a run fails', async () => {
  await start();
  const res = post();
  await until(() => slot.started.length === 1);
  slot.finish(new Error('the encoder worker stopped unexpectedly (exit code 134) during the run'));
  const r = await res;
  expect(r.status).toBe(500);
  const body = (await r.json()) as { error: string };
  expect(body.error).toBe('inference failed: the encoder worker stopped unexpectedly (exit code 134) during the run');
  expect(body.error).not.toMatch(/\s+at\s/);
});

it('shuts down gracefully: the running job finishes, the queued one gets 503, new connections are refused', async () => {
  await start({ queue: 2 });
  const running = post();
  await until(() => slot.started.length === 1);
  const queued = post();
  await new Promise((r) => setTimeout(r, 100));
  const stopped = server.shutdown();
  const q = await queued;
  expect(q.status).toBe(503);
  expect(q.headers.get('connection')).toBe('close');
  await expect(fetch(`${url}/v2/health/ready`)).rejects.toThrow(); // no new connections
  slot.finish();
  const r = await running;
  expect(r.status).toBe(200);
  // The answer is complete only once the client has read it all; shutdown waits for that.
  expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(256 * 64 * 64 * 4);
  await stopped;
});
