import type { SourceImage } from '@medsam-ohif/core';
import { initialState, type MedSamState } from '../controller/state';
import { Store } from '../controller/Store';
import type { WorkerEvents } from '../inference/InferenceClient';
import type { EmbedRequest, EmbedResult, ModelInfo } from '../worker/protocol';
import { Prefetcher } from './Prefetcher';

const tick = () => new Promise((r) => setTimeout(r, 0));
const ids = Array.from({ length: 10 }, (_, i) => `img${i}`);

/** A worker double: embed calls wait until the test finishes them; cache keys are reported like the worker does. */
function fakeClient() {
  let events: WorkerEvents = {};
  const cache = new Set<string>();
  const calls: { imageId: string; signal?: AbortSignal; finish: () => void }[] = [];
  return {
    calls,
    cancelled: () => calls.filter((c) => c.signal?.aborted).map((c) => c.imageId),
    listen(e: WorkerEvents) {
      events = e;
      return () => (events = {});
    },
    embed(request: EmbedRequest, signal?: AbortSignal): Promise<EmbedResult> {
      const imageId = request.imageRef.imageId;
      return new Promise((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { code: 'CANCELLED' })));
        calls.push({
          imageId,
          signal,
          finish: () => {
            cache.add(`key:${imageId}`);
            events.cacheKeys?.([...cache]);
            resolve({ key: `key:${imageId}`, cacheHit: false, source: 'service', ms: 1 });
          },
        });
      });
    },
  };
}

function setup() {
  const store = new Store<MedSamState>({ ...initialState('/m.json', ['wasm']), model: { status: 'ready', info: {} as ModelInfo } });
  const client = fakeClient();
  let current = 4;
  let toolActive = true;
  const prefetcher = new Prefetcher({
    store,
    client,
    slices: 1,
    activeViewport: () => (toolActive ? 'vp' : null),
    slicesOf: () => ({ imageIds: ids, current }),
    input: async (_vp, imageId) => ({ image: { samplesPerPixel: 1 } as SourceImage, ref: { imageId }, normalization: { kind: 'auto' } }),
  });
  prefetcher.start();
  return { store, client, prefetcher, moveTo: (i: number) => (current = i), setTool: (on: boolean) => (toolActive = on) };
}

describe('Prefetcher', () => {
  it('embeds the shown slice and its neighbours nearest first, and shows which are ready', async () => {
    const { store, client, prefetcher } = setup();
    prefetcher.plan();
    await tick();
    expect(client.calls.map((c) => c.imageId)).toEqual(['img4']); // one at a time
    expect(store.getState().prefetch).toMatchObject({ total: 10, current: 4, ready: [], pending: [4, 5, 3] });
    for (const expected of ['img5', 'img3']) {
      client.calls.at(-1)!.finish();
      await tick();
      await tick();
      expect(client.calls.at(-1)!.imageId).toBe(expected);
    }
    client.calls.at(-1)!.finish();
    await tick();
    expect(store.getState().prefetch).toMatchObject({ ready: [3, 4, 5], pending: [] });
  });

  it('moving away cancels what is no longer near; ready slices are not asked for again', async () => {
    const { client, prefetcher, moveTo, store } = setup();
    prefetcher.plan();
    await tick();
    client.calls[0].finish(); // img4 ready
    await tick();
    await tick();
    expect(client.calls.at(-1)!.imageId).toBe('img5');
    moveTo(8); // far away: img5 (running) is cancelled, img3 never starts
    prefetcher.plan();
    await tick();
    await tick();
    expect(client.cancelled()).toEqual(['img5']);
    expect(client.calls.map((c) => c.imageId)).toEqual(['img4', 'img5', 'img8']);
    moveTo(4); // back: img4 is ready and not asked for
    prefetcher.plan();
    await tick();
    await tick();
    expect(client.calls.map((c) => c.imageId).filter((id) => id === 'img4')).toHaveLength(1);
    expect(store.getState().prefetch?.ready).toEqual([4]);
  });

  it('stops when the MedSAM tool is no longer active', async () => {
    const { client, prefetcher, setTool, store } = setup();
    prefetcher.plan();
    await tick();
    setTool(false);
    prefetcher.plan();
    await tick();
    expect(client.cancelled()).toEqual(['img4']);
    expect(store.getState().prefetch).toBeNull();
  });
});
