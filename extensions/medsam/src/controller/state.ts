import type { Box, NormalizationRecord } from '@medsam-ohif/core';
import type { BackendName, EncoderBackend } from '../config';
import type { DecoderRun } from '../seg';
import type { SegmentOverlap } from '../segmentation/overlap';
import type { WaitLaps } from './waitClock';
import type { SliceNumbering } from '../volume3d/sliceNumbers';
import type { PlainError } from '../utils/plainError';
import type { DecoderSource, EmbeddingSource, EncoderStatus, ModelInfo, ProgressStage } from '../worker/protocol';

export interface DownloadProgress {
  readonly part: 'encoder' | 'decoder';
  readonly loadedBytes: number;
  readonly totalBytes?: number;
  readonly fromCache: boolean;
}

export type ModelStatus =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly stage: ProgressStage; readonly download?: DownloadProgress }
  | { readonly status: 'ready'; readonly info: ModelInfo }
  | { readonly status: 'error'; readonly error: PlainError };

export type JobStatus =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly stage: ProgressStage | 'reading' | 'model' | 'writing'; readonly startedAt: number };

/** The segmentation and segment that an accepted result goes into. */
export interface TargetView {
  readonly segmentationId: string;
  readonly segmentationLabel: string;
  readonly segmentIndex: number | null;
  readonly segmentLabel: string | null;
}

export type ResultPhase = 'preview' | 'accepted' | 'discarded' | 'undone';

export interface ResultView {
  readonly phase: ResultPhase;
  readonly imageId: string;
  /** The box actually used, in image pixels (x = column, y = row). */
  readonly box: Box;
  readonly boxClamped: boolean;
  readonly areaPixels: number;
  /** Mask area × row spacing × column spacing; null when the image has no pixel spacing. */
  readonly areaMm2: number | null;
  readonly normalization: string;
  readonly embeddingCacheHit: boolean;
  readonly timings: Record<string, number>;
  /** Mouse-up → preview painted (the wait the reader had), and its parts once painted. */
  readonly totalMs: number;
  readonly wait?: WaitLaps;
  readonly segmentationId: string;
  /** Set once accepted. */
  readonly segmentIndex: number | null;
  readonly segmentLabel: string | null;
  /** What a saved DICOM-SEG records about this result (see store/provenance.ts). */
  readonly provenance?: { readonly modelIdentity: string; readonly normalization: NormalizationRecord; readonly decoderRun?: DecoderRun };
  /** Who computed the embedding, and why not the service where "auto" fell back. */
  readonly embeddingSource?: EmbeddingSource;
  /** Where the decoder ran for this result: the embedding service or this browser (issue 10). */
  readonly decoder?: DecoderSource;
  readonly fallback?: string;
  /** Other segments' voxels under the preview (accepting into another segment takes them over). */
  readonly overlaps?: readonly SegmentOverlap[];
  /** After accepting over other segments: both kept whole (own labelmap layer), or their voxels replaced. */
  readonly overlap?: 'none' | 'kept' | 'replaced';
  /** Said about the image itself (e.g. a mosaic), in plain words. */
  readonly warnings?: readonly string[];
}

/** Background embeddings around the shown slice (while the MedSAM tool is active). */
export interface PrefetchView {
  readonly viewportId: string;
  /** Slices of the series (0-based positions in its image list) and the one shown. */
  readonly total: number;
  readonly current: number;
  /** How the viewport's slider (and OHIF's overlay) counts those positions: the panel names slices so. */
  readonly numbering: SliceNumbering;
  /** Positions with an embedding ready, and those still queued or running (nearest first). */
  readonly ready: readonly number[];
  readonly pending: readonly number[];
  /** The last background failure, in plain words (the box itself reports its own). */
  readonly error: string | null;
}

export interface MedSamState {
  readonly manifestUrl: string;
  readonly backends: readonly BackendName[];
  readonly encoderBackend: EncoderBackend;
  /** Where embeddings come from now (from the loaded model, then the worker's reports). */
  readonly encoder: EncoderStatus | null;
  readonly prefetch: PrefetchView | null;
  readonly model: ModelStatus;
  readonly job: JobStatus;
  readonly target: TargetView | null;
  readonly result: ResultView | null;
  readonly error: PlainError | null;
}

export function initialState(manifestUrl: string, backends: readonly BackendName[], encoderBackend: EncoderBackend = 'browser'): MedSamState {
  return { manifestUrl, backends, encoderBackend, encoder: null, prefetch: null, model: { status: 'idle' }, job: { status: 'idle' }, target: null, result: null, error: null };
}
