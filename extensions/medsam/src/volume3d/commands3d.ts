import type { Box } from '@medsam-ohif/core';
import { COMMANDS } from '../id';
import type { CommandFn } from '../types/ohif';
import { GlueError } from '../utils/plainError';
import type { Volume3dController } from './Volume3dController';

function rangeOption(v: unknown): readonly [number, number] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new GlueError('CONFIG', 'range must be [first, last]: two image positions counted from 0');
  }
  return [Math.min(v[0], v[1]), Math.max(v[0], v[1])];
}

function keyBoxesOption(v: unknown): { imageId: string; box: Box }[] | undefined {
  if (v === undefined) return undefined;
  const ok = (b: unknown): b is { imageId: string; box: Box } => {
    const e = b as { imageId?: unknown; box?: Partial<Box> } | null;
    return !!e && typeof e.imageId === 'string' && !!e.box && [e.box.x0, e.box.y0, e.box.x1, e.box.y1].every((n) => typeof n === 'number');
  };
  if (!Array.isArray(v) || !v.every(ok)) throw new GlueError('CONFIG', 'boxes must be [{ imageId, box: { x0, y0, x1, y1 } }, ...]: one box per key image, in image pixels');
  return v;
}

/**
 * The 3D commands: `medsamSegment3d({ range?: [first, last] })` runs from the last box (the range, 0-based and
 * inclusive, overrides the marked one), `medsamCancel3d`, `medsamMark3dFirst` / `medsamMark3dLast` (the active
 * viewport's shown image), `medsamGet3dState`. Enter/Esc (medsamAccept/medsamReject) act on an open 3D preview.
 * Key slices: `medsamCollectKeySlices({ on?: boolean })` toggles collecting (each box drawn is then a key box),
 * `medsamSegmentKeySlices({ boxes?: [{ imageId, box }], range? })` runs from the collected (or given) boxes,
 * `medsamClearKeySlices({ imageId? })` removes one key box or all.
 */
export function commands3d(volume3d: Volume3dController): Record<string, CommandFn> {
  return {
    [COMMANDS.segment3d]: (options) => volume3d.segment({ range: rangeOption(options.range) }),
    [COMMANDS.cancel3d]: () => volume3d.cancel(),
    [COMMANDS.mark3dFirst]: () => volume3d.mark('first'),
    [COMMANDS.mark3dLast]: () => volume3d.mark('last'),
    [COMMANDS.get3dState]: () => volume3d.store.getState(),
    [COMMANDS.collectKeySlices]: (options) => volume3d.collectKeys(typeof options.on === 'boolean' ? options.on : undefined),
    [COMMANDS.segmentKeySlices]: (options) => volume3d.segmentKeySlices({ boxes: keyBoxesOption(options.boxes), range: rangeOption(options.range) }),
    [COMMANDS.clearKeySlices]: (options) => (typeof options.imageId === 'string' ? volume3d.removeKeyBox(options.imageId) : volume3d.clearKeyBoxes()),
  };
}
