import { compactInputShape } from '../pipeline/compactInput';
import type { ModelManifest } from '../pipeline/manifestTypes';
import { OipError } from './oipErrors';
import type { OipModelMetadata, OipServerMetadata, OipTensorMetadata } from './oipProtocol';
import { EMBEDDING_CACHE_EXTENSION, OUTPUT_DATATYPE_EXTENSION } from './oipProtocol';

/** What the client needs to know about a served encoder, read from the service's metadata. */
export interface ServiceContract {
  readonly inputName: string;
  readonly outputName: string;
  /** The output's datatype as served (FP32, or FP16 for a half-precision export). */
  readonly outputDatatype: 'FP32' | 'FP16';
  /** The server converts outputs to FP16 on request (our server's extension; Triton does not). */
  readonly canConvertOutput: boolean;
  /** The server keeps embeddings and names them (our server's medsam_embedding_cache; Triton does not). */
  readonly keepsEmbeddings: boolean;
}

const describe = (t: OipTensorMetadata) => `${t.name} ${t.datatype} [${t.shape.join(', ')}]`;

/** Static dims must match; -1 (variable) matches anything. */
const fits = (shape: readonly number[], want: readonly number[]) =>
  shape.length === want.length && shape.every((d, i) => d === -1 || d === want[i]);

function isTensorList(v: unknown): v is OipTensorMetadata[] {
  return (
    Array.isArray(v) &&
    v.every(
      (t) =>
        t !== null &&
        typeof t === 'object' &&
        typeof (t as OipTensorMetadata).name === 'string' &&
        typeof (t as OipTensorMetadata).datatype === 'string' &&
        Array.isArray((t as OipTensorMetadata).shape) &&
        (t as OipTensorMetadata).shape.every((d) => Number.isInteger(d)),
    )
  );
}

export function parseModelMetadata(json: unknown, where: string): OipModelMetadata {
  const o = json as Partial<OipModelMetadata> | null;
  if (!o || typeof o !== 'object' || typeof o.name !== 'string' || !isTensorList(o.inputs) || !isTensorList(o.outputs)) {
    throw new OipError('bad-response', `${where} is not Open Inference Protocol model metadata (name, inputs and outputs with name, datatype and shape)`);
  }
  return o as OipModelMetadata;
}

export function parseServerMetadata(json: unknown): OipServerMetadata | undefined {
  const o = json as Partial<OipServerMetadata> | null;
  if (!o || typeof o !== 'object' || !Array.isArray(o.extensions)) return undefined;
  return { name: String(o.name ?? ''), version: String(o.version ?? ''), extensions: o.extensions.filter((e): e is string => typeof e === 'string') };
}

/**
 * Checks that the served model takes the profile's compact image (UINT8 [S, S]; for LiteMedSAM variable
 * [h, w], the resized image before padding) and returns the embedding
 * (FP32 or FP16, the manifest's embedding dims); names are taken from the metadata, so a Triton model whose
 * tensors are named differently still works.
 */
export function resolveContract(model: OipModelMetadata, server: OipServerMetadata | undefined, manifest: ModelManifest): ServiceContract {
  const compact = compactInputShape(manifest.profile, manifest.inputSize);
  const where = `model "${model.name}" on the inference service`;
  if (model.inputs.length !== 1) {
    throw new OipError('incompatible', `${where} has ${model.inputs.length} inputs (${model.inputs.map(describe).join('; ')}); the MedSAM encoder takes one image`);
  }
  const input = model.inputs[0];
  // A variable compact shape needs variable dims on the service: a fixed [S, S] LiteMedSAM input would
  // be a padded grid, whose min-max sees the padding.
  const takes = input.shape.length === 2 && (compact[0] === -1 ? input.shape.every((d) => d === -1) : fits(input.shape, compact));
  if (input.datatype !== 'UINT8' || !takes) {
    const sends = compact[0] === -1 ? `UINT8 [-1, -1] (${manifest.profile}: the resized image before padding, longest side ${manifest.inputSize})` : `UINT8 [${compact.join(', ')}]`;
    throw new OipError('incompatible', `${where} takes ${describe(input)}; the client sends the compact image ${sends} (a "uint8-hw" encoder)`);
  }
  const embedding =
    model.outputs.length === 1 ? model.outputs[0] : model.outputs.find((o) => o.name === manifest.encoder.outputs.embedding);
  if (!embedding) {
    throw new OipError('incompatible', `${where} has outputs ${model.outputs.map(describe).join('; ') || 'none'}, none named "${manifest.encoder.outputs.embedding}"`);
  }
  if ((embedding.datatype !== 'FP32' && embedding.datatype !== 'FP16') || !fits(embedding.shape, manifest.embeddingDims)) {
    throw new OipError('incompatible', `${where} returns ${describe(embedding)}; the embedding must be FP32 or FP16 [${manifest.embeddingDims.join(', ')}]`);
  }
  return {
    inputName: input.name,
    outputName: embedding.name,
    outputDatatype: embedding.datatype,
    canConvertOutput: server?.extensions.includes(OUTPUT_DATATYPE_EXTENSION) ?? false,
    keepsEmbeddings: server?.extensions.includes(EMBEDDING_CACHE_EXTENSION) ?? false,
  };
}
