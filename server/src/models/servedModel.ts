import type { ModelManifest } from '@medsam-ohif/core';
import { compactInputShape } from '@medsam-ohif/core/src/pipeline/compactInput';
import type { OipModelMetadata } from '@medsam-ohif/core/src/runtimes/oipProtocol';

/** The wire input a float32-nchw manifest is served under (the same compact form as a wrapped encoder). */
export const COMPACT_INPUT_NAME = 'image_u8';

/**
 * One model as the service exposes it: the compact UINT8 image in (static [S, S]; variable [-1, -1] for
 * LiteMedSAM, whose compact image is the resized image before padding), the embedding out.
 */
export interface ServedModel {
  readonly name: string;
  readonly version: string;
  readonly manifest: ModelManifest;
  readonly manifestLocation: string;
  /** -1 marks a variable side. */
  readonly input: { readonly name: string; readonly shape: readonly [number, number] };
  readonly output: { readonly name: string; readonly shape: readonly number[] };
}

export function servedModel(manifest: ModelManifest, manifestLocation: string): ServedModel {
  return {
    name: manifest.name,
    version: manifest.version,
    manifest,
    manifestLocation,
    // A uint8-hw encoder takes the wire tensor as it is, under its own name; a float32-nchw one is fed by
    // the server's min-max + 3-channel expansion, so clients never send 12 MB of floats.
    input: {
      name: manifest.encoder.inputFormat === 'uint8-hw' ? manifest.encoder.inputs.image : COMPACT_INPUT_NAME,
      shape: compactInputShape(manifest.profile, manifest.inputSize),
    },
    output: { name: manifest.encoder.outputs.embedding, shape: [...manifest.embeddingDims] },
  };
}

export function modelMetadata(m: ServedModel): OipModelMetadata {
  return {
    name: m.name,
    versions: [m.version],
    // Triton's name for the same runtime, so a client sees the same metadata from either server.
    platform: 'onnxruntime_onnx',
    inputs: [{ name: m.input.name, datatype: 'UINT8', shape: [...m.input.shape] }],
    outputs: [{ name: m.output.name, datatype: 'FP32', shape: [...m.output.shape] }],
  };
}
