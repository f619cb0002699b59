import type { WorkerRequest, WorkerResponse } from '../worker/protocol';
import { InferenceClient, InferenceError, type WorkerLike } from './InferenceClient';

/** A worker double: records requests; the test answers them. */
class FakeWorker implements WorkerLike {
  readonly sent: WorkerRequest[] = [];
  terminated = false;
  private listeners: { message: ((e: MessageEvent<unknown>) => void)[]; error: ((e: ErrorEvent) => void)[] } = { message: [], error: [] };
  postMessage(message: unknown): void {
    this.sent.push(message as WorkerRequest);
  }
  addEventListener(type: 'message' | 'error', listener: never): void {
    (this.listeners[type] as unknown[]).push(listener);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: WorkerResponse | Record<string, unknown>): void {
    for (const l of this.listeners.message) l({ data: message } as MessageEvent<unknown>);
  }
  fail(message = ''): void {
    for (const l of this.listeners.error) l({ message } as ErrorEvent);
  }
}

const settings = { manifestUrl: 'http://x/m.json', backends: ['wasm' as const], ortBaseUrl: 'http://x/ort/', embeddingCacheBytes: 1, modelCacheName: null };

describe('InferenceClient', () => {
  it('starts the worker lazily, matches answers to requests by id and forwards progress', async () => {
    const workers: FakeWorker[] = [];
    const client = new InferenceClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    });
    expect(workers).toHaveLength(0);
    const progress: unknown[] = [];
    const loading = client.load(settings, (p) => progress.push(p));
    const clearing = client.clearCache();
    const [worker] = workers;
    expect(worker.sent.map((m) => [m.type, m.id])).toEqual([['load', 1], ['clearCache', 2]]);
    worker.reply({ type: 'progress', id: 1, progress: { kind: 'download', part: 'encoder', loadedBytes: 10, totalBytes: 20, fromCache: false } });
    worker.reply({ type: 'cleared', id: 2 });
    worker.reply({ type: 'something else', id: 1 }); // ignored
    worker.reply({ type: 'loaded', id: 1, model: { name: 'm' } } as unknown as WorkerResponse);
    await expect(clearing).resolves.toBeUndefined();
    await expect(loading).resolves.toEqual({ name: 'm' });
    expect(progress).toEqual([{ kind: 'download', part: 'encoder', loadedBytes: 10, totalBytes: 20, fromCache: false }]);
  });

  it('rejects with the worker error code', async () => {
    const worker = new FakeWorker();
    const client = new InferenceClient(() => worker);
    const loading = client.load(settings);
    worker.reply({ type: 'error', id: 1, error: { code: 'MODEL_HASH_MISMATCH', message: 'bad file' } });
    await expect(loading).rejects.toMatchObject({ name: 'InferenceError', code: 'MODEL_HASH_MISMATCH', message: 'bad file' });
  });

  it('a worker that fails fails every pending request in plain words, and the next request starts a new one', async () => {
    const workers: FakeWorker[] = [];
    const client = new InferenceClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    });
    const a = client.load(settings);
    const b = client.clearCache();
    workers[0].fail();
    await expect(a).rejects.toBeInstanceOf(InferenceError);
    await expect(b).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/did not load/) });
    expect(workers[0].terminated).toBe(true);
    void client.clearCache();
    expect(workers).toHaveLength(2);
  });

  it('cancels an embed request through the worker, and passes unsolicited reports to listeners', async () => {
    const worker = new FakeWorker();
    const client = new InferenceClient(() => worker);
    const keys: (readonly string[])[] = [];
    client.listen({ cacheKeys: (k) => keys.push(k) });
    const abort = new AbortController();
    const image = { rows: 1, columns: 1, pixels: new Int16Array(1) } as never;
    const embedding = client.embed({ image, imageRef: { imageId: 'a' }, normalization: { kind: 'auto' } }, abort.signal);
    abort.abort();
    expect(worker.sent.map((m) => m.type)).toEqual(['embed', 'cancel']);
    expect(worker.sent[1]).toMatchObject({ target: worker.sent[0].id });
    worker.reply({ type: 'cacheKeys', id: 0, keys: ['k1'] });
    worker.reply({ type: 'error', id: worker.sent[0].id, error: { code: 'CANCELLED', message: 'the request was cancelled' } });
    await expect(embedding).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(keys).toEqual([['k1']]);
  });

  it('reports a worker that cannot be constructed', async () => {
    const client = new InferenceClient(() => {
      throw new Error('SecurityError');
    });
    await expect(client.clearCache()).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/SecurityError/) });
  });
});
