import type { Mask, NormalizationSpec, SliceModel, SourceImage } from '@medsam-ohif/core';
import type { InferenceClient } from '../inference/InferenceClient';
import type { DecodeResult, EmbedResult, ImageRef } from '../worker/protocol';

export interface WorkerSliceModelDeps {
  readonly client: InferenceClient;
  /** The series' images in the viewport's order: a slice is a position in this list. */
  readonly imageIds: readonly string[];
  readonly readImage: (imageId: string) => Promise<{ image: SourceImage; ref: ImageRef }>;
  /** The series' normalisation (the CT window, or its percentiles), as for a 2D box. */
  readonly normalizationFor: (image: SourceImage) => Promise<NormalizationSpec>;
  /** Cancels embeddings in flight (a service call, or a request waiting in the worker). */
  readonly signal?: AbortSignal;
  /** Each slice's embedding as the worker reported it, and the main thread's time reading the slice before it. */
  readonly onEmbedded?: (slice: number, result: EmbedResult, readMs: number) => void;
  /** Each decoded slice's provenance (model, normalisation, who computed the embedding) and decoder time. */
  readonly onDecoded?: (result: Omit<DecodeResult, 'mask'>, slice: number) => void;
}

/**
 * The 3D protocol's SliceModel on the inference worker: `embed` puts a slice's embedding into the worker's
 * embedding cache (the same request, backends and cache as the background prefetch and the 2D box) and hands
 * back its cache key; `decode` runs the decoder there on a box in model pixels. No embedding crosses to the
 * main thread.
 */
export function workerSliceModel(deps: WorkerSliceModelDeps): SliceModel<string> {
  return {
    async embed(slice) {
      const t0 = performance.now();
      const { image, ref } = await deps.readImage(deps.imageIds[slice]);
      const normalization = await deps.normalizationFor(image);
      const readMs = performance.now() - t0;
      const result = await deps.client.embed({ image, imageRef: ref, normalization }, deps.signal);
      deps.onEmbedded?.(slice, result, readMs);
      return result.key;
    },
    async decode(key, slice, modelBox): Promise<Mask> {
      const { mask, ...rest } = await deps.client.decode({ key, modelBox });
      deps.onDecoded?.(rest, slice);
      return { rows: rest.rows, columns: rest.columns, data: mask };
    },
  };
}
