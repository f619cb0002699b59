import { modelInputTransform, segmentFromOneBox, type Mask, type SliceModel } from '@medsam-ohif/core';
import { SliceTimingLog } from './sliceTimings';

const SIZE = 1024; // MedSAM's stretch on a 1024² slice: model space = image space

/**
 * The core's own walk over 6 slices whose object (a square) spans slices 1–3, reporting into the log as the
 * worker's answers do: slice k's encoder took 100 + k ms (slice 2, the key slice, was cached from the 2D box),
 * its decoder 10 + k ms on the service.
 */
async function walkWithLog() {
  const log = new SliceTimingLog();
  const model: SliceModel<number> = {
    async embed(slice) {
      log.embed(slice, { readMs: 1, encoderMs: slice === 2 ? 0.5 : 100 + slice, cacheHit: slice === 2, source: 'browser' });
      return slice;
    },
    async decode(slice, _z, box) {
      const data = new Uint8Array(SIZE * SIZE);
      if (slice >= 1 && slice <= 3) {
        for (let y = Math.max(Math.ceil(box.y0), 450); y <= Math.min(Math.floor(box.y1), 549); y++) {
          for (let x = Math.max(Math.ceil(box.x0), 450); x <= Math.min(Math.floor(box.x1), 549); x++) data[y * SIZE + x] = 1;
        }
      }
      log.decode(slice, 10 + slice, 'service');
      return { rows: SIZE, columns: SIZE, data } as Mask;
    },
  };
  const shape = { transform: modelInputTransform('medsam-stretch-1024', 1024, SIZE, SIZE), sliceCount: 6 };
  const outcome = await segmentFromOneBox(model, shape, { box: { x0: 440, y0: 440, x1: 560, y1: 560 }, slice: 2 });
  return { outcome, timings: log.timings(outcome) };
}

describe('3D run timings per slice', () => {
  it('lists every decoded slice in walk order with its encoder and decoder times, dropped slices included', async () => {
    const { outcome, timings } = await walkWithLog();
    // Up from 2: 3 kept, 4 empty (dropped, stops that way); down: 1 kept, 0 empty (dropped).
    expect(outcome.order).toEqual([2, 3, 4, 1, 0]);
    expect(outcome.slices.map((s) => s.slice)).toEqual([1, 2, 3]);
    expect(timings.walkMs).toBe(outcome.timings.totalMs);
    expect(timings.slices.map((s) => [s.slice, s.encoderMs, s.embeddingCacheHit, s.decoderMs, s.decoder])).toEqual([
      [2, 0.5, true, 12, 'service'],
      [3, 103, false, 13, 'service'],
      [4, 104, false, 14, 'service'],
      [1, 101, false, 11, 'service'],
      [0, 100, false, 10, 'service'],
    ]);
    // The walk's own wait for each kept slice's embedding; a dropped slice has none (it is not in the result).
    const kept = timings.slices.filter((s) => s.slice >= 1 && s.slice <= 3);
    expect(kept.every((s) => typeof s.waitEmbeddingMs === 'number' && s.waitEmbeddingMs >= 0)).toBe(true);
    expect(timings.slices.filter((s) => s.slice === 0 || s.slice === 4).map((s) => s.waitEmbeddingMs)).toEqual([null, null]);
  });

  it('leaves a slice the worker never reported as unknown, not zero', () => {
    const log = new SliceTimingLog();
    log.decode(5, 20, undefined);
    const t = log.timings({ order: [5], slices: [], timings: { totalMs: 30, waitEmbeddingMs: 0, decodeMs: 20 } });
    expect(t.slices).toEqual([{ slice: 5, readMs: null, encoderMs: null, embeddingCacheHit: null, embeddingSource: null, waitEmbeddingMs: null, decoderMs: 20, decoder: null }]);
  });
});
