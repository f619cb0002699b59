import type { VolumeSegmentation } from '@medsam-ohif/core';
import type { DecoderSource, EmbeddingSource } from '../worker/protocol';

/** One slice of a 3D run, as the extension timed it (ms); null where that step did not happen for the slice. */
export interface Volume3dSliceTiming {
  readonly slice: number;
  /** Main thread: the slice's pixels read and its normalisation chosen, before its embedding was requested. */
  readonly readMs: number | null;
  /** The worker's time for the embedding: preparation + encoder here, or the service's round trip; ~0 when cached. */
  readonly encoderMs: number | null;
  readonly embeddingCacheHit: boolean | null;
  readonly embeddingSource: EmbeddingSource | null;
  /** How long the walk waited for the embedding once it needed it (0: it was ready, computed during the last slice). */
  readonly waitEmbeddingMs: number | null;
  /** The worker's time for the decoder (a run here, or the service's round trip). */
  readonly decoderMs: number | null;
  readonly decoder: DecoderSource | null;
}

export interface Volume3dTimings {
  /** The walk itself, from its first embedding request to its last mask (the core's runWalkPlan). */
  readonly walkMs: number;
  /** Every slice decoded, in the order segmented (slices a stop rule dropped included). */
  readonly slices: readonly Volume3dSliceTiming[];
}

interface Embedded {
  readonly readMs: number;
  readonly encoderMs: number;
  readonly cacheHit: boolean;
  readonly source: EmbeddingSource;
}

/**
 * Collects what the worker reports per slice during one 3D run (embedding and decoder times) and joins it with
 * the walk's own record, so a benchmark can set the walk's time against N × max(encoder, decoder) (the
 * pipelined bound) and N × (encoder + decoder) without timing anything itself.
 */
export class SliceTimingLog {
  private readonly embedded = new Map<number, Embedded>();
  private readonly decoded = new Map<number, { readonly decoderMs: number; readonly decoder: DecoderSource | null }>();

  embed(slice: number, e: Embedded): void {
    this.embedded.set(slice, e);
  }

  decode(slice: number, decoderMs: number, decoder: DecoderSource | undefined): void {
    this.decoded.set(slice, { decoderMs, decoder: decoder ?? null });
  }

  timings(outcome: Pick<VolumeSegmentation, 'order' | 'slices' | 'timings'>): Volume3dTimings {
    const kept = new Map(outcome.slices.map((s) => [s.slice, s]));
    return {
      walkMs: outcome.timings.totalMs,
      slices: outcome.order.map((slice) => {
        const e = this.embedded.get(slice);
        const d = this.decoded.get(slice);
        return {
          slice,
          readMs: e?.readMs ?? null,
          encoderMs: e?.encoderMs ?? null,
          embeddingCacheHit: e?.cacheHit ?? null,
          embeddingSource: e?.source ?? null,
          waitEmbeddingMs: kept.get(slice)?.waitEmbeddingMs ?? null,
          decoderMs: d?.decoderMs ?? null,
          decoder: d?.decoder ?? null,
        };
      }),
    };
  }
}
