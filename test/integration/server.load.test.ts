// Load and fairness: a bounded queue that answers 503 + Retry-After when full, memory that stays bounded,
// queued work dropped when its client leaves, and 504 when a request runs out of time. The service runs as
// a child process (its RSS is measured on its own) with a deliberately slow test model.
import { binaryRequest, buildServer, rssMiB, startChild, testImage, testModel, type ChildServer, type ServerBuild } from '../../server/src/testing/harness';

let build: ServerBuild;
let server: ChildServer;
let runMs = 0; // one run of the slow model on this machine, measured

const INFER = '/v2/models/server-test-slow/infer';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(url: string, seed: number, signal?: AbortSignal) {
  const { body, headers } = binaryRequest(testImage(seed));
  const res = await fetch(`${url}${INFER}`, { method: 'POST', body, headers, signal });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes };
}

const encoderMs = (h: Headers) => Number(/encoder;dur=([\d.]+)/.exec(h.get('server-timing') ?? '')?.[1]);

beforeAll(async () => {
  build = buildServer('load');
  // The embedding cache (kept for the decoder model) is bounded to two embeddings here, so the bursts below
  // show that memory stays bounded with it too.
  server = await startChild(build.main, ['--model', testModel('manifest-slow.json'), '--port', '0', '--concurrency', '1', '--queue', '2', '--threads', '1', '--embedding-cache-mb', '8']);
  // The fastest of a few runs: first runs are slow, and an estimate on the high side would let the 504 test pass by luck.
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const warm = await post(server.url, 1 + i);
    expect(warm.status).toBe(200);
    runs.push(encoderMs(warm.headers));
  }
  runMs = Math.min(...runs);
});

afterAll(async () => {
  server?.process.kill('SIGKILL');
  await server?.exited;
});

it('answers 8 concurrent clients or tells them when to retry, and keeps memory bounded', async () => {
  const pid = server.process.pid!;
  const before = rssMiB(pid);
  const started = Date.now();
  const first = await Promise.all(Array.from({ length: 8 }, (_, i) => post(server.url, i + 10)));
  const statuses = first.map((r) => r.status).sort();
  // One runs, two wait, the rest are told to come back: nobody hangs, nobody gets anything else.
  expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
  expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
  for (const r of first.filter((x) => x.status === 503)) {
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(Buffer.from(r.bytes).toString()).error).toMatch(/queue is full; retry after \d+ s/);
  }
  for (const r of first.filter((x) => x.status === 200)) expect(r.bytes.byteLength).toBeGreaterThan(256 * 64 * 64 * 4);

  // The turned-away clients retry when told to, until every one has its embedding.
  let waiting = first.filter((r) => r.status === 503).map((r, i) => ({ seed: 100 + i, after: Number(r.headers.get('retry-after')) }));
  let rounds = 0;
  while (waiting.length > 0 && rounds++ < 20) {
    await sleep(Math.min(...waiting.map((w) => w.after)) * 1000);
    const again = await Promise.all(waiting.map(async (w) => ({ w, r: await post(server.url, w.seed) })));
    waiting = again.filter(({ r }) => r.status === 503).map(({ w, r }) => ({ seed: w.seed, after: Number(r.headers.get('retry-after')) }));
    expect(again.every(({ r }) => r.status === 200 || r.status === 503)).toBe(true);
  }
  expect(waiting).toEqual([]);
  const afterFirst = rssMiB(pid);

  // A second burst must not grow memory further: nothing is kept per request beyond the bounded cache.
  await Promise.all(Array.from({ length: 8 }, (_, i) => post(server.url, i + 200)));
  const afterSecond = rssMiB(pid);
  process.stdout.write(
    `load: run ${runMs.toFixed(0)} ms; 8 clients: ${statuses.filter((s) => s === 200).length}×200, ${statuses.filter((s) => s === 503).length}×503 ` +
      `(all served after ${rounds} retry round(s), ${((Date.now() - started) / 1000).toFixed(1)} s); RSS ${before.toFixed(0)} → ${afterFirst.toFixed(0)} → ${afterSecond.toFixed(0)} MiB\n`,
  );
  expect(afterFirst - before).toBeLessThan(200);
  expect(afterSecond - afterFirst).toBeLessThan(50);
});

it('stays healthy when clients give up mid-request', async () => {
  const pid = server.process.pid!;
  const before = rssMiB(pid);
  const controllers = Array.from({ length: 6 }, () => new AbortController());
  const pending = controllers.map((ac, i) => post(server.url, 500 + i, ac.signal).catch((e: unknown) => e));
  await sleep(50);
  for (const ac of controllers) ac.abort();
  await Promise.all(pending);
  // The queue empties (a run already inside onnxruntime finishes first), then the service serves as before.
  let status = 0;
  for (let i = 0; i < 10 && status !== 200; i++) {
    status = (await post(server.url, 520)).status;
    if (status !== 200) await sleep(runMs);
  }
  expect(status).toBe(200);
  expect(rssMiB(pid) - before).toBeLessThan(50);
});

it('answers 504 when a request runs out of time, and keeps serving', async () => {
  // A limit near two runs: a lone request fits, the last of six simultaneous ones (six runs) cannot.
  const timeout = Math.max(100, Math.round(runMs * 1.8));
  const t = await startChild(build.main, ['--model', testModel('manifest-slow.json'), '--port', '0', '--concurrency', '1', '--queue', '8', '--threads', '1', '--timeout-ms', String(timeout)]);
  try {
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => post(t.url, 400 + i)));
    const statuses = burst.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 504)).toBe(true);
    expect(statuses).toContain(504);
    const late = burst.find((r) => r.status === 504)!;
    expect(JSON.parse(Buffer.from(late.bytes).toString()).error).toMatch(new RegExp(`no embedding within ${timeout} ms \\(--timeout-ms\\)`));
    expect((await fetch(`${t.url}/v2/health/ready`)).status).toBe(200);
    // Runs that outlived their request still finish; afterwards a lone request fits in time again.
    let ok = false;
    for (let i = 0; i < 5 && !ok; i++) {
      await sleep(runMs * 2);
      ok = (await post(t.url, 410 + i)).status === 200;
    }
    expect(ok).toBe(true);
  } finally {
    t.process.kill('SIGKILL');
    await t.exited;
  }
});
