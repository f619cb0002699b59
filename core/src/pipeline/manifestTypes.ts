/**
 * The model manifest: a JSON file that says which ONNX files make a model, their SHA-256, how images must be
 * prepared for it, and which input/output name plays which role. Names differ between public exports, so
 * nothing in the pipeline hard-codes them.
 */

/** How an 8-bit image becomes the encoder's input. */
export type PreprocessingProfile =
  /** MedSAM ViT-B: stretch to 1024×1024 with scikit-image's cubic resize, min-max to [0, 1]. */
  | 'medsam-stretch-1024'
  /** LiteMedSAM: longest side to 256 with area interpolation, min-max to [0, 1], zero-pad bottom/right. */
  | 'litemedsam-longest-256';

export interface ModelFile {
  /** Path or URL, relative to the manifest's own location. */
  readonly file: string;
  /** Lower-case hex SHA-256 of the file. */
  readonly sha256: string;
  /** Size in bytes, for download progress. */
  readonly bytes?: number;
  /**
   * The same graph saved already optimised by onnxruntime (models/export/optimize_decoder.mjs). Runtimes that
   * can (onnxruntime-web with WASM only) open it with graph optimisation off instead of optimising `file` at
   * every load; the others open `file`.
   */
  readonly optimized?: PreOptimizedFile;
}

export interface PreOptimizedFile {
  readonly file: string;
  readonly sha256: string;
  readonly bytes?: number;
  /** onnxruntime's graphOptimizationLevel it was saved at ("extended" holds fusions for CPU kernels). */
  readonly level: 'basic' | 'extended';
  /** The onnxruntime version that saved and checked it. */
  readonly onnxruntime: string;
}

export interface EncoderSpec extends ModelFile {
  /**
   * What the encoder's image input expects:
   * - "float32-nchw": [1, 3, S, S] float32 in [0, 1] (the core does min-max and channel replication);
   * - "uint8-hw": uint8 after the core's resize (the graph does min-max and the 3 channels itself: the
   *   compact form the embedding service and Triton receive): [S, S] for medsam-stretch-1024; for
   *   litemedsam-longest-256 the resized image before padding, [h, w] with longest side S (the graph pads).
   */
  readonly inputFormat: 'float32-nchw' | 'uint8-hw';
  readonly inputs: { readonly image: string };
  readonly outputs: { readonly embedding: string };
}

export interface DecoderSpec extends ModelFile {
  /**
   * "sam": Meta's ONNX decoder contract (image_embeddings, point_coords, point_labels, mask_input,
   *        has_mask_input, orig_im_size); the box is fed as two points labelled 2 and 3.
   * "box": a decoder that takes the embedding and one box [1, 4] (x0, y0, x1, y1) in model space.
   */
  readonly contract: 'sam' | 'box';
  readonly inputs: {
    readonly embedding: string;
    readonly pointCoords?: string;
    readonly pointLabels?: string;
    readonly maskInput?: string;
    readonly hasMaskInput?: string;
    readonly origImSize?: string;
    readonly box?: string;
  };
  readonly outputs: { readonly lowResLogits: string };
  /**
   * Which mask of the low-res output is MedSAM's. MedSAM uses mask token 0 (multimask_output=False);
   * a stock SAM export that picks by stability score silently returns another one.
   */
  readonly maskIndex: number;
}

/**
 * The decoder split in two graphs (models/export/split_decoder.py): `image` runs once per embedding (the
 * decoder's work that depends on the embedding alone, e.g. SAM's first two-way block's image projections),
 * `prompt` runs per box on its outputs and gives the decoder's low-res logits. No mask prompt.
 */
export interface DecoderSplitSpec {
  /** Input: the decoder's embedding input name; outputs: the names the prompt part takes them by. */
  readonly image: ModelFile & { readonly outputs: readonly string[] };
  /**
   * Inputs: any of the decoder's prompt inputs (same names; mask inputs excluded), the embedding, and the
   * image part's outputs. Output: the decoder's `lowResLogits` name, same mask index.
   */
  readonly prompt: ModelFile;
}

/** The smallest mask IoU against the float32 decoder at which an int8 decoder is accepted (issue 13). */
export const MIN_INT8_MASK_IOU = 0.98;

/**
 * An int8 decoder (models/export/quantize_decoder.py): weights int8 per output channel, activations
 * quantised at run time. Its masks were measured against the float32 decoder of `reference` on the held-out
 * phantoms (models/export/record_int8_iou.mjs); a manifest below MIN_INT8_MASK_IOU is refused.
 */
export interface DecoderQuantization {
  readonly scheme: 'int8-dynamic';
  /** The float32 manifest it was made from (relative to this one). */
  readonly reference: string;
  readonly maskIou: {
    readonly min: number;
    readonly mean: number;
    readonly cases: number;
    /** Where the cases come from and which runtime measured them. */
    readonly measuredOn: string;
  };
}

export interface ModelManifest {
  readonly schema: 'medsam-ohif/model-manifest@1';
  /** Short machine name, e.g. "medsam-vit-b" or "medsam-ohif-test-tiny". */
  readonly name: string;
  readonly version: string;
  /** Human description; test models say plainly that they are not MedSAM. */
  readonly description: string;
  /** True for the small generated models used by tests and the demo. */
  readonly testModel: boolean;
  readonly profile: PreprocessingProfile;
  /** Square encoder input side: 1024 for MedSAM ViT-B, 256 for LiteMedSAM. */
  readonly inputSize: number;
  /** [1, 256, 64, 64] for every MedSAM variant. */
  readonly embeddingDims: readonly number[];
  /** Side of the decoder's low-res logits (256). */
  readonly lowResSize: number;
  readonly encoder: EncoderSpec;
  readonly decoder: DecoderSpec;
  /** Optional: the same decoder split for speed (used where present; `decoder` stays the reference). */
  readonly decoderSplit?: DecoderSplitSpec;
  /** Present when the decoder (and its split) is int8; absent for float32 decoders. */
  readonly decoderQuantization?: DecoderQuantization;
}
