import type { Box, NormalizationRecord } from '@medsam-ohif/core';
import type { DecoderRun } from '../seg';
import type { PlainError } from '../utils/plainError';
import type { DecoderSource, EmbeddingSource } from '../worker/protocol';
import type { SliceNumbering } from './sliceNumbers';
import type { Volume3dTimings } from './sliceTimings';

/**
 * Which 3D prompt ran: one box without a range (our stop rules), MedSAM's 3D box (a box plus a range), or boxes
 * on key slices (linear in between, propagation beyond; inside the range when one is marked).
 */
export type Volume3dMode = 'one-box' | 'box3d' | 'key-slices';

/** The reader's range marks, as 0-based positions in the series' image list (shown 1-based). */
export interface RangeMarks {
  readonly first: number | null;
  readonly last: number | null;
  /** The series they were marked on (the viewport's display set). */
  readonly displaySetUid: string | null;
  /**
   * The marked images themselves: a volume viewport may list the series in the other order than the stack it
   * was marked in, so a run and the scrollbar marker find the positions again from these.
   */
  readonly firstImageId?: string | null;
  readonly lastImageId?: string | null;
  /** The numbers OHIF's overlay showed for them in the viewport they were marked in (sliceNumbers.ts). */
  readonly firstNumber?: number | null;
  readonly lastNumber?: number | null;
}

/** A box the reader drew on a key slice (image pixels, x = column, y = row). */
export interface KeyBox {
  readonly imageId: string;
  /** Its 0-based position in the viewport's image list when it was drawn. */
  readonly slice: number;
  /** The number OHIF's overlay showed for it there (sliceNumbers.ts). */
  readonly number: number;
  readonly box: Box;
}

/** Key-slice boxes: while `collecting`, each box drawn with the MedSAM tool is kept here (one per image). */
export interface KeyBoxes {
  readonly collecting: boolean;
  /** The series they were drawn on; boxes on another series start a new set. */
  readonly displaySetUid: string | null;
  /** Ascending by slice. */
  readonly boxes: readonly KeyBox[];
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
  /** The slice the box was drawn on (0-based position) and the box in image pixels (key slices: the first key box). */
  readonly keySlice: number;
  readonly box: Box;
  /** Key slices: the marked slices (0-based positions, ascending); absent for the other prompts. */
  readonly keySlices?: readonly number[];
  readonly range: readonly [number, number] | null;
  /** How the run's viewport numbers these positions for the reader (its overlay's and slider's numbers). */
  readonly numbering: SliceNumbering;
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
  /** Per slice: the worker's encoder and decoder times and the walk's waits (absent when cancelled mid-embedding). */
  readonly timings?: Volume3dTimings;
  readonly modelIdentity: string | null;
  readonly normalization: NormalizationRecord | null;
  readonly embeddingSource: EmbeddingSource | null;
  /** Where the decoder ran: the embedding service, this browser, or both (the service failed mid-run). */
  readonly decoder?: DecoderSource | 'service, then browser';
  /** The decoder files behind the slices, for the saved SEG (store/decoderRun.ts). */
  readonly decoderRun?: DecoderRun;
  readonly segmentationId: string;
  readonly segmentIndex: number | null;
  readonly segmentLabel: string | null;
  readonly overlap?: 'none' | 'kept' | 'replaced';
}

export interface Volume3dState {
  readonly marks: RangeMarks;
  readonly keys: KeyBoxes;
  readonly run: Volume3dRun;
  readonly result: Volume3dResultView | null;
  readonly error: PlainError | null;
}

export const initialVolume3dState: Volume3dState = {
  marks: { first: null, last: null, displaySetUid: null },
  keys: { collecting: false, displaySetUid: null, boxes: [] },
  run: { status: 'idle' },
  result: null,
  error: null,
};
