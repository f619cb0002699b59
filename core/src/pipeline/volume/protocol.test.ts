import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mask } from '../image';
import { modelInputTransform, type PixelBox } from '../resize/modelTransform';
import { maskModelBox, promptModelBox } from './modelSpaceBox';
import { interpolateKeyBoxes, referenceMiddleSlice, segmentBox3D } from './protocols';
import type { SliceModel } from './types';

// Produced by test/fixtures/volume/make_protocol_cases.py from the reference's own functions (cv2, numpy).
interface Fixture {
  masks: Array<{ rows: number; columns: number; runs: number[]; lite: { box: number[] | null }; vitb: { box: number[] | null } }>;
  promptBoxes: Array<{ rows: number; columns: number; box: number[]; lite: number[]; vitb: number[] }>;
  orders: Array<{ range: [number, number]; depth: number; middle: number; order: number[] }>;
  interpolation: Array<{
    keys: Array<{ slice: number; box: number[] }>;
    linear: Array<{ slice: number; box: number[] }>;
    referenceRectangles: Array<{ slice: number; box: number[] }>;
  }>;
}
const fixture: Fixture = JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/volume/protocol_cases.json'), 'utf8'));

const toBox = ([x0, y0, x1, y1]: number[]): PixelBox => ({ x0, y0, x1, y1 });
const fromBox = (b: PixelBox | null) => (b ? [b.x0, b.y0, b.x1, b.y1] : null);

function maskFromRuns(rows: number, columns: number, runs: number[]): Mask {
  const data = new Uint8Array(rows * columns);
  for (let i = 0; i < runs.length; i += 2) data.fill(1, runs[i], runs[i] + runs[i + 1]);
  return { rows, columns, data };
}

describe('3D box rules against the reference functions (make_protocol_cases.py)', () => {
  const cases = fixture.masks.map((m, i) => [i, m.rows, m.columns, m] as const);

  it.each(cases)('LiteMedSAM: mask %i (%i×%i) → INTER_AREA to 256, bbox + 3, or empty', (_i, rows, columns, m) => {
    const t = modelInputTransform('litemedsam-longest-256', 256, rows, columns);
    expect(fromBox(maskModelBox(maskFromRuns(rows, columns, m.runs), t))).toEqual(m.lite.box);
  });

  it.each(cases)('MedSAM ViT-B: mask %i (%i×%i) → INTER_NEAREST to 1024², bbox + 5', (_i, rows, columns, m) => {
    const t = modelInputTransform('medsam-stretch-1024', 1024, rows, columns);
    expect(fromBox(maskModelBox(maskFromRuns(rows, columns, m.runs), t))).toEqual(m.vitb.box);
  });

  it('the fixture holds masks that LiteMedSAM\'s area resize empties, and ones it keeps', () => {
    expect(fixture.masks.some((m) => m.lite.box === null && m.runs.length > 0)).toBe(true);
    expect(fixture.masks.filter((m) => m.lite.box !== null).length).toBeGreaterThan(30);
  });

  it.each(fixture.promptBoxes.map((p, i) => [i, p] as const))('prompt box %i → model space as resize_box_to_256 / box·1024/[W,H,W,H]', (_i, p) => {
    const lite = modelInputTransform('litemedsam-longest-256', 256, p.rows, p.columns);
    const vitb = modelInputTransform('medsam-stretch-1024', 1024, p.rows, p.columns);
    expect(fromBox(promptModelBox(toBox(p.box), lite))).toEqual(p.lite);
    expect(fromBox(promptModelBox(toBox(p.box), vitb))).toEqual(p.vitb);
  });
});

/** A stand-in model world: each slice holds a square object; the "decoder" returns the object inside the box. */
function squareWorld(size: number, halfSides: number[]): { model: SliceModel<number>; calls: string[] } {
  const calls: string[] = [];
  const model: SliceModel<number> = {
    async embed(slice) {
      calls.push(`embed ${slice}`);
      return slice;
    },
    async decode(embedding, slice, box) {
      calls.push(`decode ${slice}`);
      const data = new Uint8Array(size * size);
      const h = halfSides[embedding];
      const c = size / 2;
      // model space = image space here (1024 stretch of a 1024 image)
      for (let y = Math.max(Math.ceil(box.y0), c - h); y <= Math.min(Math.floor(box.y1), c + h - 1); y++) {
        for (let x = Math.max(Math.ceil(box.x0), c - h); x <= Math.min(Math.floor(box.x1), c + h - 1); x++) data[y * size + x] = 1;
      }
      return { rows: size, columns: size, data };
    },
  };
  return { model, calls };
}

describe('MedSAM_infer_npz_3D slice order and middle slice', () => {
  it.each(fixture.orders.map((o) => [o.range, o.depth, o] as const))('range %j of %i slices', async (range, depth, o) => {
    expect(referenceMiddleSlice(range[0], range[1])).toBe(o.middle);
    const { model, calls } = squareWorld(1024, Array(depth).fill(100));
    const shape = { transform: modelInputTransform('medsam-stretch-1024', 1024, 1024, 1024), sliceCount: depth };
    const result = await segmentBox3D(model, shape, { box: { x0: 400, y0: 400, x1: 600, y1: 600 }, range }, { lookahead: 0 });
    expect(result.order).toEqual(o.order);
    expect(calls.filter((c) => c.startsWith('decode')).map((c) => Number(c.split(' ')[1]))).toEqual(o.order);
    expect(result.stops.up.rule).toBe('range-end');
    expect(result.stops.down.rule).toBe('range-end');
  });
});

describe('key-slice boxes', () => {
  it.each(fixture.interpolation.map((c, i) => [i, c] as const))('case %i: linear between marks (numpy interp), marks kept', (_i, c) => {
    const boxes = interpolateKeyBoxes(c.keys.map((k) => ({ slice: k.slice, box: toBox(k.box) })));
    expect(boxes.map((b) => b.slice)).toEqual(c.linear.map((l) => l.slice));
    boxes.forEach((b, j) => fromBox(b.box)!.forEach((v, k) => expect(v).toBeCloseTo(c.linear[j].box[k], 9)));
    // On the marked slices the reference's rectangle interpolation and ours agree exactly.
    for (const k of c.keys) {
      expect(fromBox(boxes.find((b) => b.slice === k.slice)!.box)).toEqual(c.referenceRectangles.find((r) => r.slice === k.slice)!.box);
      expect(boxes.find((b) => b.slice === k.slice)!.source).toBe('prompt');
    }
  });

  it('refuses two boxes on one slice', () => {
    const box = { x0: 1, y0: 1, x1: 9, y1: 9 };
    expect(() => interpolateKeyBoxes([{ slice: 3, box }, { slice: 3, box }])).toThrow(/slice 3 has two boxes/);
  });
});
