import type { Box, NormalizationRecord } from '@medsam-ohif/core';
import type { PlainError } from '../utils/plainError';
import type { EmbeddingSource } from '../worker/protocol';

/** Which 3D prompt ran: one box without a range (our stop rules), or MedSAM's 3D box (a box plus a range). */
export type Volume3dMode = 'one-box' | 'box3d';

/** The reader's range marks, as 0-based positions in the series' image list (shown 1-based). */
export interface RangeMarks {
  readonly first: number | null;
  readonly last: number | null;
  /** The series they were marked on (the viewport's display set). */
  readonly displaySetUid: string | null;
}

export type Volume3dRun =
  | { readonly status: 'idle' }
  | {
      readonly status: 'running';
      readonly mode: Volume3dMode;
      readonly startedAt: number;
      /** Slices kept so far, and planned so far (shrinks when a direction stops early). */
      readonly done: number;
      readonly planned: number;
      /** Estimated from the time per slice so far; null before the first slice. */
      readonly msLeft: number | null;
      readonly cancelling: boolean;
    };

export type Volume3dPhase = 'preview' | 'accepted' | 'discarded' | 'undone';

export interface Volume3dResultView {
  readonly phase: Volume3dPhase;
  readonly mode: Volume3dMode;
  /** The slice the box was drawn on (0-based position) and the box in image pixels. */
  readonly keySlice: number;
  readonly box: Box;
  readonly range: readonly [number, number] | null;
  /** Slices with a mask (0-based positions, ascending) and their pixel counts. */
  readonly slices: readonly { readonly slice: number; readonly imageId: string; readonly areaPixels: number }[];
  readonly imageCount: number;
  /** First and last slice with any voxel (0-based), null when none. */
  readonly extent: readonly [number, number] | null;
  readonly voxels: number;
  readonly volumeMl: number | null;
  /** Why the volume is unknown, or how the slab was measured. */
  readonly volumeNote: string;
  /** Each direction's stop rule in plain words. */
  readonly stops: { readonly up: string; readonly down: string };
  readonly cancelled: boolean;
  readonly totalMs: number;
  readonly modelIdentity: string | null;
  readonly normalization: NormalizationRecord | null;
  readonly embeddingSource: EmbeddingSource | null;
  readonly segmentationId: string;
  readonly segmentIndex: number | null;
  readonly segmentLabel: string | null;
  readonly overlap?: 'none' | 'kept' | 'replaced';
}

export interface Volume3dState {
  readonly marks: RangeMarks;
  readonly run: Volume3dRun;
  readonly result: Volume3dResultView | null;
  readonly error: PlainError | null;
}

export const initialVolume3dState: Volume3dState = {
  marks: { first: null, last: null, displaySetUid: null },
  run: { status: 'idle' },
  result: null,
  error: null,
};
