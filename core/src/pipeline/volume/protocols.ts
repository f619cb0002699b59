/**
 * The three 3D prompts, as plans for the slice walker (propagate.ts):
 * - segmentBox3D: MedSAM's reference 3D box (MedSAM_infer_npz_3D, CVPR24_LiteMedSAM_infer.py);
 * - segmentFromOneBox: one box on one slice, no range (our rules: OPEN_WALK_DEFAULTS);
 * - segmentFromKeySlices: boxes on several slices, linear in between, propagation beyond.
 * Boxes come in image pixels (x = column, y = row), already checked against the slice (checkBox).
 */
import { MedSamError } from '../errors';
import type { ModelInputTransform, PixelBox } from '../resize/modelTransform';
import { promptModelBox } from './modelSpaceBox';
import { runWalkPlan, type OpenWalkRules, type Walk } from './propagate';
import type { RunHooks, SliceModel, StopRule, VolumeSegmentation } from './types';

/** The reference's middle slice of an inclusive range: int((z_max − z_min) / 2 + z_min). */
export function referenceMiddleSlice(zMin: number, zMax: number): number {
  return Math.trunc((zMax - zMin) / 2 + zMin);
}

export interface VolumeShape {
  /** How a slice maps onto the model input (every slice of a series has the same size). */
  readonly transform: ModelInputTransform;
  readonly sliceCount: number;
}

const ascending = (from: number, to: number) => (to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i));
const descending = (from: number, to: number) => ascending(to, from).reverse();

function checkSlice(slice: number, sliceCount: number, what: string): void {
  if (!Number.isInteger(slice) || slice < 0 || slice >= sliceCount) {
    throw new MedSamError('BAD_BOX', `${what} ${slice} is outside the volume: it has ${sliceCount} slices (0 to ${sliceCount - 1})`);
  }
}

export interface Box3DPrompt {
  readonly box: PixelBox;
  /** Inclusive slice range [z_min, z_max]. */
  readonly range: readonly [number, number];
  /**
   * The slice the box was drawn on. Default: the reference's middle slice of the range. Another slice
   * starts the walk there instead (our generalisation; the rules are otherwise the reference's).
   */
  readonly startSlice?: number;
}

/**
 * MedSAM's 3D box: the start (middle) slice gets the box; then up to z_max, then down to z_min, each slice's
 * box from the neighbour nearer the start (mask box in model space + margin), the prompt box again after an
 * empty neighbour; nothing outside the range.
 */
export function segmentBox3D<E>(model: SliceModel<E>, shape: VolumeShape, prompt: Box3DPrompt, hooks?: RunHooks): Promise<VolumeSegmentation> {
  const [zMin, zMax] = prompt.range;
  if (!Number.isInteger(zMin) || !Number.isInteger(zMax) || zMin > zMax) {
    throw new MedSamError('BAD_BOX', `slice range must be two integers first ≤ last, got [${zMin}, ${zMax}]`);
  }
  checkSlice(zMin, shape.sliceCount, 'range start');
  checkSlice(zMax, shape.sliceCount, 'range end');
  const start = prompt.startSlice ?? referenceMiddleSlice(zMin, zMax);
  if (start < zMin || start > zMax) throw new MedSamError('BAD_BOX', `slice ${start} is outside the range [${zMin}, ${zMax}]`);
  const modelBox = promptModelBox(prompt.box, shape.transform);
  const walk = (direction: 'up' | 'down', slices: number[]): Walk => ({ direction, anchor: start, slices, fallbackBox: modelBox, endRule: 'range-end' });
  return runWalkPlan(
    model,
    shape.transform,
    {
      fixed: [{ slice: start, modelBox, source: 'prompt' }],
      up: walk('up', ascending(start + 1, zMax)),
      down: walk('down', descending(start - 1, zMin)),
    },
    hooks,
  );
}

/** Our rules for a walk without a range; see README "3D segmentation". */
export interface OpenWalkOptions extends Partial<OpenWalkRules> {
  /** Safety cap: at most this many slices beyond the start in each direction. */
  readonly maxSlicesPerDirection?: number;
}

export const OPEN_WALK_DEFAULTS = { minAreaPixels: 10, leakFactor: 2, minOverlap: 0.7, maxSlicesPerDirection: 200 } as const;

function openWalk(direction: 'up' | 'down', anchor: number, sliceCount: number, options: OpenWalkOptions): Walk {
  const cap = options.maxSlicesPerDirection ?? OPEN_WALK_DEFAULTS.maxSlicesPerDirection;
  const edge = direction === 'up' ? sliceCount - 1 : 0;
  const reachable = Math.abs(edge - anchor);
  const count = Math.min(reachable, cap);
  const endRule: StopRule = count < reachable ? 'cap' : 'volume-edge';
  const slices = direction === 'up' ? ascending(anchor + 1, anchor + count) : descending(anchor - 1, anchor - count);
  const open: OpenWalkRules = {
    minAreaPixels: options.minAreaPixels ?? OPEN_WALK_DEFAULTS.minAreaPixels,
    leakFactor: options.leakFactor ?? OPEN_WALK_DEFAULTS.leakFactor,
    minOverlap: options.minOverlap ?? OPEN_WALK_DEFAULTS.minOverlap,
  };
  return { direction, anchor, slices, fallbackBox: null, endRule, open };
}

export interface OneBoxPrompt {
  readonly box: PixelBox;
  readonly slice: number;
}

/** One box, no range: from the box's slice up, then down, until a stop rule fires (OpenWalkOptions). */
export function segmentFromOneBox<E>(
  model: SliceModel<E>,
  shape: VolumeShape,
  prompt: OneBoxPrompt,
  options: OpenWalkOptions = {},
  hooks?: RunHooks,
): Promise<VolumeSegmentation> {
  checkSlice(prompt.slice, shape.sliceCount, 'slice');
  return runWalkPlan(
    model,
    shape.transform,
    {
      fixed: [{ slice: prompt.slice, modelBox: promptModelBox(prompt.box, shape.transform), source: 'prompt' }],
      up: openWalk('up', prompt.slice, shape.sliceCount, options),
      down: openWalk('down', prompt.slice, shape.sliceCount, options),
    },
    hooks,
  );
}

export interface KeySliceBox {
  readonly slice: number;
  readonly box: PixelBox;
}

/**
 * Boxes on every slice from the first to the last marked one: marked slices keep theirs, the slices between
 * two marks get each coordinate interpolated linearly (a + (b − a)·t, t = distance to the lower mark over the
 * gap; no rounding). Marks in any order; two marks on one slice are refused.
 */
export function interpolateKeyBoxes(keys: readonly KeySliceBox[]): Array<{ slice: number; box: PixelBox; source: 'prompt' | 'interpolated' }> {
  if (keys.length === 0) throw new MedSamError('BAD_BOX', 'no key-slice boxes given');
  const sorted = [...keys].sort((a, b) => a.slice - b.slice);
  sorted.forEach((k, i) => {
    if (i > 0 && sorted[i - 1].slice === k.slice) throw new MedSamError('BAD_BOX', `slice ${k.slice} has two boxes: give one box per slice`);
  });
  const out: Array<{ slice: number; box: PixelBox; source: 'prompt' | 'interpolated' }> = [{ slice: sorted[0].slice, box: sorted[0].box, source: 'prompt' }];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    const gap = b.slice - a.slice;
    for (let z = a.slice + 1; z < b.slice; z++) {
      const t = (z - a.slice) / gap;
      const lerp = (p: number, q: number) => p + (q - p) * t;
      out.push({ slice: z, box: { x0: lerp(a.box.x0, b.box.x0), y0: lerp(a.box.y0, b.box.y0), x1: lerp(a.box.x1, b.box.x1), y1: lerp(a.box.y1, b.box.y1) }, source: 'interpolated' });
    }
    out.push({ slice: b.slice, box: b.box, source: 'prompt' });
  }
  return out;
}

export interface KeySlicesPrompt {
  readonly keys: readonly KeySliceBox[];
  /**
   * Optional inclusive range around the marks: beyond the outermost marks the walk goes to the range ends
   * with the reference's rules (the outermost mark's box again after an empty mask). Without it, our open
   * rules decide where each direction stops.
   */
  readonly range?: readonly [number, number];
}

/** Key-slice boxes: marked and interpolated slices first (ascending), then up from the top mark, then down. */
export function segmentFromKeySlices<E>(
  model: SliceModel<E>,
  shape: VolumeShape,
  prompt: KeySlicesPrompt,
  options: OpenWalkOptions = {},
  hooks?: RunHooks,
): Promise<VolumeSegmentation> {
  const boxes = interpolateKeyBoxes(prompt.keys);
  for (const k of prompt.keys) checkSlice(k.slice, shape.sliceCount, 'key slice');
  const first = boxes[0];
  const last = boxes[boxes.length - 1];
  const t = shape.transform;
  let up: Walk;
  let down: Walk;
  if (prompt.range) {
    const [zMin, zMax] = prompt.range;
    checkSlice(zMin, shape.sliceCount, 'range start');
    checkSlice(zMax, shape.sliceCount, 'range end');
    if (zMin > first.slice || zMax < last.slice) {
      throw new MedSamError('BAD_BOX', `the range [${zMin}, ${zMax}] must contain every key slice (${first.slice} to ${last.slice})`);
    }
    up = { direction: 'up', anchor: last.slice, slices: ascending(last.slice + 1, zMax), fallbackBox: promptModelBox(last.box, t), endRule: 'range-end' };
    down = { direction: 'down', anchor: first.slice, slices: descending(first.slice - 1, zMin), fallbackBox: promptModelBox(first.box, t), endRule: 'range-end' };
  } else {
    up = openWalk('up', last.slice, shape.sliceCount, options);
    down = openWalk('down', first.slice, shape.sliceCount, options);
  }
  const fixed = boxes.map((b) => ({ slice: b.slice, modelBox: promptModelBox(b.box, t), source: b.source }));
  return runWalkPlan(model, t, { fixed, up, down }, hooks);
}
