import type { Mask } from '../image';
import { modelInputTransform, type PixelBox } from '../resize/modelTransform';
import { offsetsAlongNormal, sliceSpacing, volumeMl } from './measure';
import { segmentBox3D, segmentFromKeySlices, segmentFromOneBox } from './protocols';
import type { SliceModel } from './types';

const SIZE = 1024; // a 1024² slice with MedSAM's stretch: model space = image space
const shape = (sliceCount: number) => ({ transform: modelInputTransform('medsam-stretch-1024', 1024, SIZE, SIZE), sliceCount });

/**
 * A deterministic stand-in for encoder + decoder: slice z holds a rectangle `objects[z]` (or nothing); the
 * "decoder" answers with the part of it inside the box, or with the whole box when `fillBox[z]` (a model
 * that segments whatever the box holds: a leak).
 */
function world(objects: Array<PixelBox | null>, fillBox: boolean[] = []) {
  const calls: string[] = [];
  const boxes = new Map<number, PixelBox>();
  const model: SliceModel<number> = {
    async embed(slice) {
      calls.push(`embed ${slice}`);
      return slice;
    },
    async decode(slice, _z, box) {
      calls.push(`decode ${slice}`);
      boxes.set(slice, box);
      const data = new Uint8Array(SIZE * SIZE);
      const o = fillBox[slice] ? box : objects[slice];
      if (o) {
        for (let y = Math.max(Math.ceil(box.y0), o.y0); y <= Math.min(Math.floor(box.y1), o.y1); y++) {
          for (let x = Math.max(Math.ceil(box.x0), o.x0); x <= Math.min(Math.floor(box.x1), o.x1); x++) data[y * SIZE + x] = 1;
        }
      }
      return { rows: SIZE, columns: SIZE, data } as Mask;
    },
  };
  return { model, calls, boxes };
}

const square = (c: number, h: number): PixelBox => ({ x0: c - h, y0: c - h, x1: c + h - 1, y1: c + h - 1 });

describe('3D box walk (reference rules)', () => {
  it('takes the neighbour mask box + 5, and the prompt box again after an empty neighbour', async () => {
    const objects = [null, square(500, 40), square(500, 50), null, square(500, 30)];
    const { model, boxes } = world(objects);
    const prompt = { x0: 400, y0: 400, x1: 600, y1: 600 };
    const r = await segmentBox3D(model, shape(5), { box: prompt, range: [0, 4] });
    expect(r.order).toEqual([2, 3, 4, 1, 0]);
    expect(r.slices.find((s) => s.slice === 3)!.boxSource).toBe('neighbour-mask');
    expect(boxes.get(3)).toEqual({ x0: 450 - 5, y0: 450 - 5, x1: 549 + 5, y1: 549 + 5 });
    expect(r.slices.find((s) => s.slice === 4)!.boxSource).toBe('prompt-again'); // slice 3 came out empty
    expect(boxes.get(4)).toEqual(prompt);
    expect(r.slices.find((s) => s.slice === 4)!.areaPixels).toBe(60 * 60);
    expect(r.slices.find((s) => s.slice === 0)).toMatchObject({ boxSource: 'neighbour-mask', areaPixels: 0 });
    expect(r.slices.map((s) => s.slice)).toEqual([0, 1, 2, 3, 4]); // in a range, empty slices are kept (as empty)
  });

  it('starts on --slice when given, and refuses a start outside the range', async () => {
    const { model } = world(Array(10).fill(square(500, 20)));
    const r = await segmentBox3D(model, shape(10), { box: square(500, 30), range: [2, 6], startSlice: 5 });
    expect(r.order).toEqual([5, 6, 4, 3, 2]);
    expect(() => segmentBox3D(model, shape(10), { box: square(500, 30), range: [2, 6], startSlice: 7 })).toThrow(/outside the range/);
    expect(() => segmentBox3D(model, shape(10), { box: square(500, 30), range: [2, 12] })).toThrow(/outside the volume/);
  });
});

describe('one box without a range (our rules)', () => {
  it('stops where the object ends (empty), keeping the slices before', async () => {
    const objects = [null, null, square(500, 20), square(500, 40), square(500, 50), square(500, 40), square(500, 30), null, square(500, 30)];
    const { model } = world(objects);
    const r = await segmentFromOneBox(model, shape(9), { box: square(500, 52), slice: 4 });
    expect(r.slices.map((s) => s.slice)).toEqual([2, 3, 4, 5, 6]);
    expect(r.stops.up).toMatchObject({ rule: 'empty', lastSlice: 6, rejectedSlice: 7 });
    expect(r.stops.down).toMatchObject({ rule: 'empty', lastSlice: 2, rejectedSlice: 1 });
    expect(r.order).toEqual([4, 5, 6, 7, 3, 2, 1]);
  });

  it('stops on a mask under the minimum area, on a leak, and at the volume edge', async () => {
    const objects = [square(500, 30), square(500, 30), square(500, 30), square(500, 1), square(500, 30)];
    const { model } = world(objects, [true, false, false, false, false]);
    const r = await segmentFromOneBox(model, shape(5), { box: square(500, 32), slice: 2 }, { leakFactor: 1.3 });
    expect(r.stops.up).toMatchObject({ rule: 'below-min-area', lastSlice: 2, rejectedSlice: 3, rejectedAreaPixels: 4 });
    // slice 0 fills its whole box (70² > 1.3 × 60²): a leak
    expect(r.stops.down).toMatchObject({ rule: 'leak', lastSlice: 1, rejectedSlice: 0 });
    const edge = await segmentFromOneBox(world(Array(5).fill(square(500, 30))).model, shape(5), { box: square(500, 32), slice: 2 });
    expect(edge.stops.up).toMatchObject({ rule: 'volume-edge', lastSlice: 4 });
    expect(edge.stops.down).toMatchObject({ rule: 'volume-edge', lastSlice: 0 });
  });

  it('stops when the mask drifts off the previous one, and at the safety cap', async () => {
    const objects = [square(560, 30), square(500, 30), square(500, 30), square(500, 30), square(500, 30)];
    const { model } = world(objects);
    // slice 0's object is shifted: inside the grown box, 26 of its 60 columns overlap slice 1's mask (< 0.7)
    const r = await segmentFromOneBox(model, shape(5), { box: square(500, 32), slice: 2 }, { maxSlicesPerDirection: 1, leakFactor: 10 });
    expect(r.stops.up).toMatchObject({ rule: 'cap', lastSlice: 3 });
    const drift = await segmentFromOneBox(model, shape(5), { box: square(500, 32), slice: 2 }, { leakFactor: 10 });
    expect(drift.stops.down).toMatchObject({ rule: 'drift', lastSlice: 1, rejectedSlice: 0 });
  });
});

describe('key-slice boxes', () => {
  it('segments marked and interpolated slices with their boxes, then walks beyond within the range', async () => {
    const { model, boxes } = world(Array(10).fill(square(500, 40)));
    const r = await segmentFromKeySlices(model, shape(10), {
      keys: [
        { slice: 6, box: { x0: 420, y0: 430, x1: 580, y1: 570 } },
        { slice: 3, box: { x0: 450, y0: 460, x1: 550, y1: 540 } },
      ],
      range: [1, 8],
    });
    expect(r.order).toEqual([3, 4, 5, 6, 7, 8, 2, 1]);
    expect(boxes.get(4)).toEqual({ x0: 440, y0: 450, x1: 560, y1: 550 });
    expect(r.slices.find((s) => s.slice === 4)!.boxSource).toBe('interpolated');
    expect(r.slices.find((s) => s.slice === 7)!.boxSource).toBe('neighbour-mask');
    expect(r.stops.up.rule).toBe('range-end');
  });
});

describe('pipelining and cancelling', () => {
  it('asks for the next embedding before decoding this slice (lookahead 1), and not when lookahead is 0', async () => {
    const w1 = world(Array(4).fill(square(500, 30)));
    await segmentBox3D(w1.model, shape(4), { box: square(500, 32), range: [0, 3] });
    expect(w1.calls.slice(0, 4)).toEqual(['embed 1', 'embed 2', 'decode 1', 'embed 3']);
    const w0 = world(Array(4).fill(square(500, 30)));
    await segmentBox3D(w0.model, shape(4), { box: square(500, 32), range: [0, 3] }, { lookahead: 0 });
    expect(w0.calls.slice(0, 4)).toEqual(['embed 1', 'decode 1', 'embed 2', 'decode 2']);
  });

  it('a cancelled run keeps the slices done and says so', async () => {
    const { model } = world(Array(10).fill(square(500, 30)));
    const signal = { aborted: false };
    const progress: number[] = [];
    const r = await segmentBox3D(model, shape(10), { box: square(500, 32), range: [0, 9] }, {
      signal,
      onSlice: (p) => {
        progress.push(p.done);
        if (p.done === 3) signal.aborted = true;
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.slices.map((s) => s.slice)).toEqual([4, 5, 6]);
    expect(progress).toEqual([1, 2, 3]);
    expect(r.stops.up.rule).toBe('cancelled');
    expect(r.stops.down.rule).toBe('cancelled');
  });
});

describe('volume in mL from slice positions', () => {
  it('uses the gaps between positions along the normal, not SliceThickness, even when uneven', () => {
    const orientation = [1, 0, 0, 0, 1, 0]; // axial: normal +z
    const offsets = offsetsAlongNormal([[0, 0, -10], [0, 0, -7.5], [0, 0, -5], [0, 0, 0]], orientation);
    expect(offsets).toEqual([-10, -7.5, -5, 0]);
    const spacing = sliceSpacing(offsets)!;
    expect(spacing.perSliceMm).toEqual([2.5, 2.5, 3.75, 5]);
    expect(spacing.uniform).toBe(false);
    // 1000 px of 0.5 × 0.5 mm on slices 1 and 3: 250 mm² × (2.5 + 5) mm = 1875 mm³
    expect(volumeMl([{ slice: 1, areaPixels: 1000 }, { slice: 3, areaPixels: 1000 }], [0.5, 0.5], (k) => spacing.perSliceMm[k])).toBeCloseTo(1.875, 12);
    expect(sliceSpacing([4])).toBeNull();
  });
});
