// Matches the caller's label maps to source frames and checks them before anything is encoded.
import { SegError } from './errors';
import { frameKey, type SourceGeometry } from './geometry';
import { frameLayers } from './labelLayers';
import { valuesPresent } from './pixels';
import type { SegFrameMask } from './types';

export interface MaskedFrame {
  /** The frame's label maps: its labels, then layers of segments that overlap them. */
  readonly layers: readonly Uint8Array[];
  /** Segment numbers with at least one voxel in this frame. */
  readonly present: ReadonlySet<number>;
}

/** Label maps keyed like SourceFrame.key; frames without one are empty. */
export function matchMasks(masks: readonly SegFrameMask[], geometry: SourceGeometry, segmentCount: number): Map<string, MaskedFrame> {
  const length = geometry.rows * geometry.columns;
  const out = new Map<string, MaskedFrame>();
  for (const mask of masks) {
    const frameNumber = mask.frameNumber === 1 && geometry.byKey.has(frameKey(mask.sopInstanceUID)) ? undefined : mask.frameNumber;
    const key = frameKey(mask.sopInstanceUID, frameNumber);
    const where = `mask for ${mask.sopInstanceUID}${frameNumber ? ` frame ${frameNumber}` : ''}`;
    if (!geometry.byKey.has(key)) throw new SegError('BAD_INPUT', `${where} matches no source frame`);
    if (out.has(key)) throw new SegError('BAD_INPUT', `${where} is given twice`);
    const layers = frameLayers(mask);
    if (layers.some((labels) => !(labels instanceof Uint8Array) || labels.length !== length)) {
      throw new SegError('BAD_INPUT', `${where} must be Uint8Arrays of ${geometry.rows}×${geometry.columns} values`);
    }
    const present = new Set(layers.flatMap((labels) => [...valuesPresent(labels)]));
    for (const v of present) {
      if (v > segmentCount) throw new SegError('BAD_INPUT', `${where} holds value ${v}, which is no segment (1..${segmentCount})`);
    }
    out.set(key, { layers, present });
  }
  return out;
}

/** True when some voxel belongs to two segments (a frame with a non-empty overlap layer). */
export function segmentsOverlap(masks: ReadonlyMap<string, MaskedFrame>): boolean {
  for (const m of masks.values()) if (m.layers.slice(1).some((l) => valuesPresent(l).size > 0)) return true;
  return false;
}
