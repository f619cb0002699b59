import type { Box } from '@medsam-ohif/core';
import type { BackendName } from '../config';
import type { PlainError } from '../utils/plainError';
import type { ModelInfo, ProgressStage } from '../worker/protocol';

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
  | { readonly status: 'running'; readonly stage: ProgressStage | 'reading' | 'writing'; readonly startedAt: number };

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
  readonly totalMs: number;
  readonly segmentationId: string;
  /** Set once accepted. */
  readonly segmentIndex: number | null;
  readonly segmentLabel: string | null;
}

export interface MedSamState {
  readonly manifestUrl: string;
  readonly backends: readonly BackendName[];
  readonly model: ModelStatus;
  readonly job: JobStatus;
  readonly target: TargetView | null;
  readonly result: ResultView | null;
  readonly error: PlainError | null;
}

export function initialState(manifestUrl: string, backends: readonly BackendName[]): MedSamState {
  return { manifestUrl, backends, model: { status: 'idle' }, job: { status: 'idle' }, target: null, result: null, error: null };
}
