import type { Mask } from '../image';
import type { PixelBox } from '../resize/modelTransform';

/** Slice indices grow "up" (the reference's z_middle → z_max) and shrink "down". */
export type Direction = 'up' | 'down';

/** Where a slice's box came from. */
export type BoxSource =
  /** The user's box (the prompted or middle slice, or a marked key slice). */
  | 'prompt'
  /** Linear interpolation between two marked key slices. */
  | 'interpolated'
  /** The neighbouring slice's mask bounding box in model space plus the profile's margin. */
  | 'neighbour-mask'
  /** The neighbouring mask was empty: the prompt box again (the reference's rule inside a range). */
  | 'prompt-again';

/**
 * Why a direction ended. Inside a range: 'range-end'. Without a range (our rules, not the reference's):
 * 'empty' (no pixel), 'below-min-area', 'leak' (area jumped past leakFactor × the previous slice),
 * 'drift' (less than minOverlap of the mask inside the previous slice's mask), 'cap' (maxSlicesPerDirection), 'volume-edge' (first or last slice reached). 'cancelled' when aborted
 * before the direction was done.
 */
export type StopRule = 'range-end' | 'volume-edge' | 'empty' | 'below-min-area' | 'leak' | 'drift' | 'cap' | 'cancelled';

export interface DirectionStop {
  readonly rule: StopRule;
  /** The last slice kept in that direction (the start slice when none beyond it was kept). */
  readonly lastSlice: number;
  /** The slice whose mask triggered the stop and was dropped ('empty', 'below-min-area', 'leak'). */
  readonly rejectedSlice?: number;
  readonly rejectedAreaPixels?: number;
  /** Plain words for people. */
  readonly message: string;
}

export interface SliceResult {
  readonly slice: number;
  readonly mask: Mask;
  readonly areaPixels: number;
  /** The box fed to the decoder, in model input pixels. */
  readonly modelBox: PixelBox;
  readonly boxSource: BoxSource;
  /** Milliseconds waiting for this slice's embedding (0 when it was ready) and in the decoder callback. */
  readonly waitEmbeddingMs: number;
  readonly decodeMs: number;
}

export interface VolumeSegmentation {
  /** Kept slices in ascending slice order (a slice whose stop rule fired is not kept). */
  readonly slices: readonly SliceResult[];
  /** Slices in the order they were segmented (a slice dropped by a stop rule included). */
  readonly order: readonly number[];
  readonly stops: { readonly up: DirectionStop; readonly down: DirectionStop };
  readonly cancelled: boolean;
  readonly timings: { readonly totalMs: number; readonly waitEmbeddingMs: number; readonly decodeMs: number };
}

/** What a run reports after each slice, for a progress bar. */
export interface SliceProgress {
  readonly slice: number;
  readonly done: number;
  /** Slices planned so far; may shrink when a direction stops early. */
  readonly planned: number;
  readonly elapsedMs: number;
}

/** Anything with `aborted` (an AbortSignal does): checked between slices, so a cancelled run keeps what is done. */
export interface CancelSignal {
  readonly aborted: boolean;
}

/**
 * How slices are obtained, so that any backend (local session, remote service, a cache) and any pipelining
 * can be plugged in. `embed` may be called ahead of need (bounded by `lookahead`); its result for a slice is
 * passed to `decode` once. `decode` gets a box in model input pixels and returns the mask on the slice's grid.
 */
export interface SliceModel<E> {
  embed(slice: number): Promise<E>;
  decode(embedding: E, slice: number, modelBox: PixelBox): Promise<Mask>;
}

export interface RunHooks {
  readonly signal?: CancelSignal;
  readonly onSlice?: (progress: SliceProgress, result: SliceResult) => void;
  /** How many upcoming slices' embeddings are requested ahead of the decoder (default 1; 0 = none). */
  readonly lookahead?: number;
}
