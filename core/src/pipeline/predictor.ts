import type { ModelSession } from './backend';
import { checkBox, type Box, type CheckedBox } from './box';
import { MedSamError } from './errors';
import type { Mask, SourceImage } from './image';
import type { ModelManifest } from './manifestTypes';
import { normalizeImage, type NormalizationRecord, type NormalizationSpec } from './normalize';
import { summarizeMask, type MaskSummary } from './postprocess';
import { prepareEncoderInput, type ModelInputTransform } from './preprocess';
import { boxToModelSpace, type MedsamResizeMode } from './resize';
import type { Tensor } from './tensor';
import { decodeModelBox } from './volume/decodeModelBox';

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
  /** null where `decoder` holds the embedding itself (a service decoder on an embedding it kept). */
  embedding: Tensor | null,
  prepared: Pick<PreparedImage, 'rows' | 'columns' | 'transform'>,
  box: Box,
): Promise<BoxSegmentation> {
  const checked = checkBox(box, prepared.rows, prepared.columns);
  const modelBox = boxToModelSpace(checked.box, prepared.transform);
  const timings: { decoder?: number; postprocess?: number } = {};
  const mask = await decodeModelBox(decoder, manifest, embedding, prepared, modelBox, timings);
  return { mask, summary: summarizeMask(mask), box: checked, modelBox, timings: { decoder: timings.decoder!, postprocess: timings.postprocess! } };
}
