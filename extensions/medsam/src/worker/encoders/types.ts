import type { NormalizationRecord, NormalizationSpec, PreparedImage, SourceImage, Tensor } from '@medsam-ohif/core';
import type { EmbeddingSource, Progress } from '../protocol';

export type Report = (p: Progress) => void;

/** An embedding and what the decoder needs of its image; this is what the embedding cache keeps. */
export interface ComputedEmbedding {
  readonly embedding: Tensor;
  readonly prepared: Pick<PreparedImage, 'rows' | 'columns' | 'transform'>;
  readonly normalization: NormalizationRecord;
  readonly timings: Record<string, number>;
  readonly source: EmbeddingSource;
}

/** One way of turning a source image into an embedding: the browser's own session or an inference service. */
export interface EmbeddingProducer {
  readonly source: EmbeddingSource;
  embed(image: SourceImage, normalization: NormalizationSpec, signal: AbortSignal | undefined, report: Report): Promise<ComputedEmbedding>;
}
