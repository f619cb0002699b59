// LiveMask's scheduling: one decode in flight, the newest box wins, passed-over boxes are never decoded,
// each result is drawn, and mouse-up reuses the decode of the final box. Decodes here are deferred promises
// the test resolves, so the order of events is exact.
import type { SegmentRequest, SegmentResult } from '../worker/protocol';
import type { BoxCompleted } from '../tools/MedSamBoxTool';
import { LiveMask, type LiveMaskDeps } from './LiveMask';

const flush = () => new Promise((r) => setTimeout(r, 0));
const box = (x1: number, imageId = 'img:1'): BoxCompleted => ({ imageId, viewportId: 'vp', slice: 0, box: { x0: 10, y0: 10, x1, y1: 50 } });

function harness(over: Partial<LiveMaskDeps<string>> = {}) {
  const requests: { request: SegmentRequest; resolve: (r: SegmentResult) => void; reject: (e: Error) => void }[] = [];
  const drawn: number[] = [];
  let erased = 0;
  let taken = 0;
  const pixels = new Int16Array([1, 2, 3, 4]);
  const deps: LiveMaskDeps<string> = {
    active: () => true,
    embeddingReady: () => true,
    input: async () => ({ image: { rows: 2, columns: 2, samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'CT' }, imageRef: { imageId: 'img:1' } as never, normalization: { kind: 'auto' } as never }),
    segment: (request) => new Promise((resolve, reject) => requests.push({ request, resolve, reject })),
    draw: (b) => {
      drawn.push(b.box.x1);
      return true;
    },
    erase: () => void erased++,
    take: () => (drawn.length ? `drawing of ${drawn.at(-1)} #${++taken}` : null),
    ...over,
  };
  const result = (x1: number) => ({ mask: new Uint8Array([x1 & 1]) }) as unknown as SegmentResult;
  return { live: new LiveMask<string>(deps), requests, drawn, erased: () => erased, result, pixels };
}

describe('LiveMask', () => {
  it('decodes one box at a time, the newest next, and draws each result', async () => {
    const h = harness();
    h.live.moved(box(20));
    await flush();
    h.live.moved(box(21));
    h.live.moved(box(22));
    h.live.moved(box(23)); // 21 and 22 are passed over
    await flush();
    expect(h.requests.map((r) => r.request.box.x1)).toEqual([20]);
    h.requests[0]!.resolve(h.result(20));
    await flush();
    await flush();
    expect(h.drawn).toEqual([20]);
    expect(h.requests.map((r) => r.request.box.x1)).toEqual([20, 23]);
    // Each request has its own copy of the pixels (the worker takes them).
    expect(h.requests[1]!.request.image.pixels).not.toBe(h.pixels);
    expect(Array.from(h.requests[1]!.request.image.pixels)).toEqual([1, 2, 3, 4]);
  });

  it('mouse-up on the box last decoded reuses its result: no new decode', async () => {
    const h = harness();
    h.live.moved(box(30));
    await flush();
    const r = h.result(30);
    h.requests[0]!.resolve(r);
    await flush();
    await flush();
    const taken = h.live.finish(box(30));
    expect(taken).not.toBeNull();
    await expect(taken!.result).resolves.toBe(r);
    expect(h.requests).toHaveLength(1);
    // The drawing on screen is the final box's: handed over, not erased (the controller keeps it as the preview).
    expect(taken!.onScreen).toEqual({ drawing: 'drawing of 30 #1', result: r });
    expect(h.erased()).toBe(0);
    h.live.cancel(); // the next drag's end does not erase what was handed over
    expect(h.erased()).toBe(0);
  });

  it('mouse-up on a box other than the one drawn: the drawing is erased and nothing is handed over', async () => {
    const h = harness();
    h.live.moved(box(31));
    await flush();
    h.requests[0]!.resolve(h.result(31));
    await flush();
    await flush();
    h.live.moved(box(32));
    await flush();
    const taken = h.live.finish(box(32)); // in flight: its decode is reused, but it is not on screen
    const r = h.result(32);
    h.requests[1]!.resolve(r);
    await expect(taken!.result).resolves.toBe(r);
    expect(taken!.onScreen).toBeNull();
    expect(h.erased()).toBe(1);
  });

  it('mouse-up while the final box is being decoded waits for that decode', async () => {
    const h = harness();
    h.live.moved(box(40));
    await flush();
    const taken = h.live.finish(box(40));
    const r = h.result(40);
    h.requests[0]!.resolve(r);
    await expect(taken!.result).resolves.toBe(r);
    expect(taken!.onScreen).toBeNull();
    await flush();
    expect(h.drawn).toEqual([]); // the drag is over: the controller draws it, not the live mask
  });

  it('mouse-up on a box never decoded (the drag ended moving) leaves it to the controller', async () => {
    const h = harness();
    h.live.moved(box(50));
    await flush();
    h.live.moved(box(51));
    expect(h.live.finish(box(52))).toBeNull();
    h.requests[0]!.resolve(h.result(50));
    await flush();
    await flush();
    expect(h.requests).toHaveLength(1); // the pending 51 was dropped with the drag
    expect(h.drawn).toEqual([]);
  });

  it('does nothing when off, or when the slice has no embedding yet', async () => {
    for (const over of [{ active: () => false }, { embeddingReady: () => false }]) {
      const h = harness(over);
      h.live.moved(box(60));
      await flush();
      expect(h.requests).toHaveLength(0);
      expect(h.live.finish(box(60))).toBeNull();
    }
  });

  it('a failed live decode is a missed frame; the next box still decodes', async () => {
    const h = harness();
    h.live.moved(box(70));
    await flush();
    h.live.moved(box(71));
    h.requests[0]!.reject(new Error('worker busy'));
    await flush();
    await flush();
    expect(h.drawn).toEqual([]);
    expect(h.requests.map((r) => r.request.box.x1)).toEqual([70, 71]);
  });

  it('a slice whose box was finished counts as embedded for the next drag', async () => {
    const h = harness({ embeddingReady: () => false });
    h.live.moved(box(80));
    expect(h.live.finish(box(80))).toBeNull(); // first box: the controller embeds and decodes
    h.live.moved(box(81));
    await flush();
    expect(h.requests.map((r) => r.request.box.x1)).toEqual([81]);
  });
});
