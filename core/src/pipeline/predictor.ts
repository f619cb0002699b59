import type { ModelSession } from './backend';
import { checkBox, type Box, type CheckedBox } from './box';
import { decoderFeeds, selectMaskLogits } from './decoderFeeds';
import { MedSamError } from './errors';
import type { Mask, SourceImage } from './image';
import type { ModelManifest } from './manifestTypes';
import { normalizeImage, type NormalizationRecord, type NormalizationSpec } from './normalize';
import { logitsToMask, summarizeMask, type MaskSummary } from './postprocess';
import { prepareEncoderInput, type ModelInputTransform } from './preprocess';
import { boxToModelSpace, type MedsamResizeMode } from './resize';
import type { Tensor } from './tensor';

/** Milliseconds per stage, for summaries and benchmarks. */
export type StageTimings = Record<string, number>;

const now = () => globalThis.performance.now();

/** An image made ready for the encoder: the cheap half of SamPredictor.set_image. */
export interface PreparedImage {
  readonly rows: number;
  readonly columns: number;
  readonly normalization: NormalizationRecord;
  readonly transform: ModelInputTransform;
  /** The encoder's input in the manifest's format. */
  readonly encoderInput: Tensor;
  readonly timings: StageTimings;
}

/** Anything that turns a prepared image into an embedding: a local session or a remote service. */
export interface ImageEncoder {
  encode(prepared: PreparedImage, signal?: AbortSignal): Promise<Tensor>;
}

export interface BoxSegmentation {
  readonly mask: Mask;
  readonly summary: MaskSummary;
  /** The box actually used (ordered, clamped to the image). */
  readonly box: CheckedBox;
  readonly modelBox: Box;
  readonly timings: StageTimings;
}

export function prepareImage(
  image: SourceImage,
  manifest: ModelManifest,
  normalization: NormalizationSpec = { kind: 'auto' },
  resizeMode: MedsamResizeMode = 'fast',
): PreparedImage {
  const t0 = now();
  const normalized = normalizeImage(image, normalization);
  const t1 = now();
  const { tensor, transform, timings } = prepareEncoderInput(normalized.image, manifest, resizeMode);
  return {
    rows: image.rows,
    columns: image.columns,
    normalization: normalized.record,
    transform,
    encoderInput: tensor,
    timings: { normalize: t1 - t0, ...timings },
  };
}

/** The encoder running in this process (CLI, tests, the browser's worker, the service). */
export function sessionEncoder(session: ModelSession, manifest: ModelManifest): ImageEncoder {
  return {
    async encode(prepared) {
      const out = await session.run({ [manifest.encoder.inputs.image]: prepared.encoderInput }, [manifest.encoder.outputs.embedding]);
      return checkEmbedding(out[manifest.encoder.outputs.embedding], manifest);
    },
  };
}

/** Refuses an embedding of the wrong shape or type before it reaches the decoder. */
export function checkEmbedding(embedding: Tensor | undefined, manifest: ModelManifest): Tensor {
  const dims = manifest.embeddingDims;
  if (!embedding || embedding.type !== 'float32' || embedding.dims.join() !== dims.join()) {
    const got = embedding ? `${embedding.type} [${embedding.dims.join(', ')}]` : 'nothing';
    throw new MedSamError('INFERENCE_FAILED', `the encoder returned ${got}, expected float32 [${dims.join(', ')}]`);
  }
  return embedding;
}

/** The cheap half: one box on an embedded image → a mask on the original pixel grid. */
export async function segmentBox(
  decoder: ModelSession,
  manifest: ModelManifest,
  embedding: Tensor,
  prepared: Pick<PreparedImage, 'rows' | 'columns' | 'transform'>,
  box: Box,
): Promise<BoxSegmentation> {
  const checked = checkBox(box, prepared.rows, prepared.columns);
  const modelBox = boxToModelSpace(checked.box, prepared.transform);
  const spec = manifest.decoder;
  const t0 = now();
  const feeds = decoderFeeds(spec, embedding, modelBox, manifest.lowResSize, prepared);
  const out = await decoder.run(feeds, [spec.outputs.lowResLogits]);
  const t1 = now();
  const logits = out[spec.outputs.lowResLogits];
  if (!logits) throw new MedSamError('INFERENCE_FAILED', `the decoder returned no "${spec.outputs.lowResLogits}" output`);
  const plane = selectMaskLogits(logits, spec.maskIndex, manifest.lowResSize);
  const t = prepared.transform;
  const toLowRes = manifest.lowResSize / t.inputSize;
  const mask = logitsToMask(plane, {
    lowResSize: manifest.lowResSize,
    region: { rows: Math.round(t.scaledRows * toLowRes), columns: Math.round(t.scaledColumns * toLowRes) },
    sigmoidFirst: t.profile === 'medsam-stretch-1024',
    rows: prepared.rows,
    columns: prepared.columns,
  });
  const t2 = now();
  return { mask, summary: summarizeMask(mask), box: checked, modelBox, timings: { decoder: t1 - t0, postprocess: t2 - t1 } };
}
