import { SEGMENT_TARGETS, type SegmentTargetKey } from '../seg';
import type { CommandFn } from '../types/ohif';
import { GlueError } from '../utils/plainError';
import { getSegSaver } from './saveRuntime';

export const SAVE_COMMAND = 'medsamSaveSegmentation';
export const SAVE_STATE_COMMAND = 'medsamGetSaveState';

function targets(v: unknown): Record<number, SegmentTargetKey> | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null) throw new GlueError('CONFIG', 'targets must be { [segmentIndex]: target }');
  for (const [index, key] of Object.entries(v)) {
    if (!Number.isInteger(Number(index)) || typeof key !== 'string' || !(key in SEGMENT_TARGETS)) {
      throw new GlueError('CONFIG', `targets[${index}] must be one of ${Object.keys(SEGMENT_TARGETS).join(', ')}`);
    }
  }
  return v as Record<number, SegmentTargetKey>;
}

/**
 * `medsamSaveSegmentation({ segmentationId?, targets? })`: stores the (active) segmentation as DICOM-SEG in
 * the study's PACS, no dialog. Resolves with the outcome ({ ok: true, seriesInstanceUID, ... } or
 * { ok: false, error }); it does not reject for PACS faults.
 */
export function saveCommands(): Record<string, CommandFn> {
  return {
    [SAVE_COMMAND]: (options) => {
      const segmentationId = options.segmentationId;
      if (segmentationId !== undefined && (typeof segmentationId !== 'string' || !segmentationId)) throw new GlueError('CONFIG', 'segmentationId must be a non-empty string');
      const t = targets(options.targets);
      return getSegSaver().save({ ...(segmentationId ? { segmentationId } : {}), ...(t ? { targets: t } : {}) });
    },
    [SAVE_STATE_COMMAND]: () => getSegSaver().state.getState(),
  };
}
