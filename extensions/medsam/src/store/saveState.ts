import type { SegmentTargetKey, SegSopClass } from '../seg';
import type { PlainError } from '../utils/plainError';

export type SaveStage = 'collecting' | 'encoding' | 'sending';

/** A stored SEG, as the panel and the command report it. */
export interface SavedSeg {
  readonly segmentationId: string;
  readonly studyInstanceUID: string;
  readonly seriesInstanceUID: string;
  readonly sopInstanceUID: string;
  readonly seriesNumber: number;
  readonly instanceNumber: number;
  readonly seriesDescription: string;
  readonly sopClass: SegSopClass;
  /** Viewer segment index → SEG segment number, with the label written. */
  readonly segments: readonly { readonly segmentIndex: number; readonly segmentNumber: number; readonly label: string; readonly algorithmType: 'SEMIAUTOMATIC' | 'MANUAL' }[];
  /** Segments left out because they hold no voxel. */
  readonly emptySegments: readonly number[];
  /** Source frames with at least one segmented voxel. */
  readonly frames: number;
  readonly bytes: number;
  /** The identical object of the previous attempt was sent again. */
  readonly repeated: boolean;
  /** Where it went (the STOW-RS URL). */
  readonly destination: string;
  readonly warning?: string;
  readonly ms: number;
}

export type SaveOutcome = ({ readonly ok: true } & SavedSeg) | { readonly ok: false; readonly error: PlainError; readonly segmentationId: string | null };

export interface SaveState {
  readonly status: 'idle' | 'saving' | 'saved' | 'failed';
  readonly stage: SaveStage | null;
  readonly startedAt: number | null;
  /** The latest outcome (success or failure). */
  readonly last: SaveOutcome | null;
  /** What each segment is, for the SEG's category/type codes: key `${segmentationId}#${segmentIndex}`. */
  readonly targets: Readonly<Record<string, SegmentTargetKey>>;
}

export const initialSaveState: SaveState = { status: 'idle', stage: null, startedAt: null, last: null, targets: {} };

export const targetKey = (segmentationId: string, segmentIndex: number) => `${segmentationId}#${segmentIndex}`;
