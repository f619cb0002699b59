import { DECODER_MODEL_SUFFIX, type OipModelMetadata } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import type { ServedModel } from './servedModel';

/** One prompt input of the served decoder: FP32, -1 for the number of points. */
export interface PromptInput {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * The decoder of a served model, as a second model on the same endpoint: the manifest's decoder contract
 * without the embedding and the mask prompt. The embedding is named by the `embedding_id` request parameter
 * (one the encoder's answer gave); the server fills in an empty mask prompt, as MedSAM always has.
 */
export interface ServedDecoder {
  readonly role: 'decoder';
  readonly name: string;
  readonly version: string;
  /** The encoder model whose embeddings it decodes. */
  readonly encoder: ServedModel;
  readonly inputs: readonly PromptInput[];
  /** The low-res logits [1, K, L, L] (K as the ONNX file has it; -1 here). */
  readonly output: { readonly name: string; readonly shape: readonly number[] };
}

export const isDecoder = (m: ServedModel | ServedDecoder): m is ServedDecoder => (m as ServedDecoder).role === 'decoder';

export function servedDecoder(encoder: ServedModel): ServedDecoder {
  const { decoder, lowResSize } = encoder.manifest;
  const i = decoder.inputs;
  const inputs: PromptInput[] =
    decoder.contract === 'box'
      ? [{ name: i.box!, shape: [1, 4] }]
      : [
          { name: i.pointCoords!, shape: [1, -1, 2] },
          { name: i.pointLabels!, shape: [1, -1] },
          ...(i.origImSize ? [{ name: i.origImSize, shape: [2] }] : []),
        ];
  return {
    role: 'decoder',
    name: `${encoder.name}${DECODER_MODEL_SUFFIX}`,
    version: encoder.version,
    encoder,
    inputs,
    output: { name: decoder.outputs.lowResLogits, shape: [1, -1, lowResSize, lowResSize] },
  };
}

export function decoderMetadata(d: ServedDecoder): OipModelMetadata {
  return {
    name: d.name,
    versions: [d.version],
    platform: 'onnxruntime_onnx',
    inputs: d.inputs.map((p) => ({ name: p.name, datatype: 'FP32', shape: [...p.shape] })),
    outputs: [{ name: d.output.name, datatype: 'FP32', shape: [...d.output.shape] }],
  };
}
