/**
 * The slice-walking engine behind every 3D prompt: segments a fixed list of slices whose boxes are known,
 * then walks up and down from anchor slices, each slice's box derived from its neighbour's mask. It knows
 * nothing about how embeddings are made: the caller's SliceModel does that, and the engine asks for the next
 * slices' embeddings while the decoder runs on this one (bounded lookahead).
 */
import type { Mask } from '../image';
import { summarizeMask } from '../postprocess';
import type { ModelInputTransform, PixelBox } from '../resize/modelTransform';
import { maskModelBox } from './modelSpaceBox';
import type { BoxSource, Direction, DirectionStop, RunHooks, SliceModel, SliceResult, StopRule, VolumeSegmentation } from './types';

/** A slice whose box is known before the run (prompted, marked or interpolated), in model pixels. */
export interface FixedSlice {
  readonly slice: number;
  readonly modelBox: PixelBox;
  readonly source: 'prompt' | 'interpolated';
}

/** Our stop rules for walks without a range end (not the reference's: it always has a range). */
export interface OpenWalkRules {
  /** A mask smaller than this (pixels) ends the direction and is dropped. */
  readonly minAreaPixels: number;
  /** A mask larger than leakFactor × the previous kept slice's area ends the direction and is dropped. */
  readonly leakFactor: number;
  /**
   * A mask with less than this share of its pixels inside the previous kept slice's mask ends the direction
   * and is dropped: the model has wandered onto another structure (what a structure's end looks like when the
   * model, asked for something inside the box, never answers "nothing").
   */
  readonly minOverlap: number;
}

/** One direction's walk away from an anchor slice. */
export interface Walk {
  readonly direction: Direction;
  /** The slice whose mask gives the first box (a fixed slice). */
  readonly anchor: number;
  /** Slices to visit in order; the walk may stop before the end under open rules. */
  readonly slices: readonly number[];
  /**
   * Inside a range (the reference): an empty neighbouring mask gives this box again and the walk goes on.
   * Null: open rules apply (empty, small or leaking masks end the walk).
   */
  readonly fallbackBox: PixelBox | null;
  /** The rule reported when every planned slice was visited: 'range-end', 'volume-edge' or 'cap'. */
  readonly endRule: StopRule;
  readonly open?: OpenWalkRules;
}

export interface WalkPlan {
  readonly fixed: readonly FixedSlice[];
  readonly up: Walk;
  readonly down: Walk;
}

const now = () => globalThis.performance.now();

/** Share of a mask's pixels that are also set in another mask on the same grid. */
export function overlapShare(mask: Mask, other: Mask): number {
  let inside = 0;
  let area = 0;
  for (let i = 0; i < mask.data.length; i++) {
    if (!mask.data[i]) continue;
    area++;
    if (other.data[i]) inside++;
  }
  return area ? inside / area : 0;
}

interface Step {
  readonly slice: number;
  readonly walk: Walk | null;
  readonly fixed?: FixedSlice;
}

function describeStop(direction: Direction, rule: StopRule, last: number, rejected?: number, area?: number): string {
  const where = `${direction === 'up' ? 'upwards' : 'downwards'} stopped after slice ${last}`;
  switch (rule) {
    case 'range-end':
      return `${where}: end of the slice range`;
    case 'volume-edge':
      return `${where}: edge of the volume`;
    case 'cap':
      return `${where}: the safety cap on slices per direction was reached`;
    case 'empty':
      return `${where}: the mask on slice ${rejected} was empty`;
    case 'below-min-area':
      return `${where}: the mask on slice ${rejected} (${area} px) was below the minimum area`;
    case 'leak':
      return `${where}: the mask on slice ${rejected} (${area} px) grew past the leak limit, likely spilling into a neighbour`;
    case 'drift':
      return `${where}: the mask on slice ${rejected} (${area} px) lay mostly outside the previous slice's mask, likely another structure`;
    case 'cancelled':
      return `${where}: cancelled`;
  }
}

/** Runs a plan; see the module comment. A cancelled run returns what was done. */
export async function runWalkPlan<E>(model: SliceModel<E>, transform: ModelInputTransform, plan: WalkPlan, hooks: RunHooks = {}): Promise<VolumeSegmentation> {
  const start = now();
  const steps: Step[] = [
    ...plan.fixed.map((f) => ({ slice: f.slice, walk: null, fixed: f })),
    ...plan.up.slices.map((slice) => ({ slice, walk: plan.up })),
    ...plan.down.slices.map((slice) => ({ slice, walk: plan.down })),
  ];
  const lookahead = Math.max(0, Math.floor(hooks.lookahead ?? 1));
  const stopped = new Map<Walk, DirectionStop>();
  const pending = new Map<number, Promise<E>>();
  const results = new Map<number, SliceResult>();
  const order: number[] = [];
  let waitTotal = 0;
  let decodeTotal = 0;

  const live = (i: number) => steps.slice(i).filter((s) => !s.walk || !stopped.has(s.walk));
  const request = (slice: number) => {
    if (!pending.has(slice)) {
      const p = model.embed(slice);
      p.catch(() => undefined); // a prefetched slice that is never used must not become an unhandled rejection
      pending.set(slice, p);
    }
    return pending.get(slice)!;
  };
  const stop = (walk: Walk, rule: StopRule, rejected?: number, area?: number) => {
    const last = lastKept(walk);
    stopped.set(walk, { rule, lastSlice: last, rejectedSlice: rejected, rejectedAreaPixels: area, message: describeStop(walk.direction, rule, last, rejected, area) });
  };
  const lastKept = (walk: Walk) => {
    let last = walk.anchor;
    for (const s of walk.slices) if (results.has(s)) last = s;
    return last;
  };

  let cancelled = false;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.walk && stopped.has(step.walk)) continue;
    if (hooks.signal?.aborted) {
      cancelled = true;
      break;
    }
    const upcoming = live(i).slice(0, lookahead + 1);
    const embedding = request(step.slice);
    for (const next of upcoming.slice(1)) request(next.slice);

    let modelBox: PixelBox;
    let source: BoxSource;
    let previousArea = 0;
    if (step.fixed) {
      modelBox = step.fixed.modelBox;
      source = step.fixed.source;
    } else {
      const walk = step.walk!;
      const neighbour = results.get(step.slice + (walk.direction === 'up' ? -1 : 1));
      if (!neighbour) throw new Error(`volume walk: slice ${step.slice} has no segmented neighbour (plan out of order)`);
      previousArea = neighbour.areaPixels;
      const derived = maskModelBox(neighbour.mask, transform);
      if (derived) {
        modelBox = derived;
        source = 'neighbour-mask';
      } else if (walk.fallbackBox) {
        modelBox = walk.fallbackBox;
        source = 'prompt-again';
      } else {
        // An open walk whose anchor came out empty (or vanished in LiteMedSAM's resize) has nothing to follow.
        stop(walk, 'empty', neighbour.slice, neighbour.areaPixels);
        continue;
      }
    }

    const t0 = now();
    const ready = await embedding;
    const t1 = now();
    const mask: Mask = await model.decode(ready, step.slice, modelBox);
    const t2 = now();
    pending.delete(step.slice);
    waitTotal += t1 - t0;
    decodeTotal += t2 - t1;
    const areaPixels = summarizeMask(mask).areaPixels;
    const result: SliceResult = { slice: step.slice, mask, areaPixels, modelBox, boxSource: source, waitEmbeddingMs: t1 - t0, decodeMs: t2 - t1 };
    order.push(step.slice);

    const open = step.walk && !step.walk.fallbackBox ? step.walk.open : undefined;
    if (step.walk && open) {
      const previous = results.get(step.slice + (step.walk.direction === 'up' ? -1 : 1))!;
      const rule: StopRule | null =
        areaPixels === 0
          ? 'empty'
          : areaPixels < open.minAreaPixels
            ? 'below-min-area'
            : areaPixels > open.leakFactor * previousArea
              ? 'leak'
              : overlapShare(mask, previous.mask) < open.minOverlap
                ? 'drift'
                : null;
      if (rule) {
        stop(step.walk, rule, step.slice, areaPixels);
        continue;
      }
    }
    results.set(step.slice, result);
    hooks.onSlice?.({ slice: step.slice, done: results.size, planned: results.size + live(i + 1).length, elapsedMs: now() - start }, result);
  }

  const finish = (walk: Walk): DirectionStop => {
    if (!stopped.has(walk)) {
      const unfinished = steps.some((s) => (s.walk === walk || !s.walk) && !order.includes(s.slice));
      stop(walk, cancelled && unfinished ? 'cancelled' : walk.endRule);
    }
    return stopped.get(walk)!;
  };
  const slices = [...results.values()].sort((a, b) => a.slice - b.slice);
  return {
    slices,
    order,
    stops: { up: finish(plan.up), down: finish(plan.down) },
    cancelled,
    timings: { totalMs: now() - start, waitEmbeddingMs: waitTotal, decodeMs: decodeTotal },
  };
}
