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

/**
 * The 3D commands: `medsamSegment3d({ range?: [first, last] })` runs from the last box (the range, 0-based and
 * inclusive, overrides the marked one), `medsamCancel3d`, `medsamMark3dFirst` / `medsamMark3dLast` (the active
 * viewport's shown image), `medsamGet3dState`. Enter/Esc (medsamAccept/medsamReject) act on an open 3D preview.
 */
export function commands3d(volume3d: Volume3dController): Record<string, CommandFn> {
  return {
    [COMMANDS.segment3d]: (options) => volume3d.segment({ range: rangeOption(options.range) }),
    [COMMANDS.cancel3d]: () => volume3d.cancel(),
    [COMMANDS.mark3dFirst]: () => volume3d.mark('first'),
    [COMMANDS.mark3dLast]: () => volume3d.mark('last'),
    [COMMANDS.get3dState]: () => volume3d.store.getState(),
  };
}
