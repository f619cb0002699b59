import type { ModelManifest } from '@medsam-ohif/core';

/** Messages between the HTTP thread and its worker threads (encoder workers, the decoder worker). */

export interface WorkerModel {
  readonly name: string;
  readonly manifest: ModelManifest;
  /** Where the manifest lives: model files are named relative to it. */
  readonly manifestLocation: string;
}

export interface WorkerInit {
  readonly models: readonly WorkerModel[];
  readonly threads: number;
}

export type OutputDatatype = 'FP32' | 'FP16';

export interface EncodeJob {
  readonly model: string;
  /** UINT8 [rows, columns], row-major: [S, S], or LiteMedSAM's resized image before padding. */
  readonly image: Uint8Array;
  readonly dims: readonly [number, number];
  readonly datatype: OutputDatatype;
  /** Also return the FP32 embedding in a SharedArrayBuffer (for the server's embedding cache). */
  readonly keep?: boolean;
  /** false: the client wants no embedding on the wire (`bytes` comes back empty). Default true. */
  readonly wire?: boolean;
}

export interface EncodeResult {
  readonly datatype: OutputDatatype;
  readonly dims: readonly number[];
  /** Little-endian wire bytes of the embedding. */
  readonly bytes: Uint8Array;
  /** The FP32 embedding in a SharedArrayBuffer, when the job asked to keep it (the embedding cache). */
  readonly shared?: Float32Array;
  /** Time inside onnxruntime, for Retry-After estimates and logs. */
  readonly runMs: number;
}

/** A prompt tensor as the decoder takes it (SAM's contract: point_coords, point_labels, orig_im_size; or box). */
export interface PromptTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface DecodeJob {
  readonly model: string;
  /** The embedding's content key: the decoder worker keeps per-embedding work (the split decoder's image part) under it. */
  readonly embeddingId: string;
  /** FP32, in a SharedArrayBuffer (the embedding cache's own copy; read, never written). */
  readonly embedding: Float32Array;
  readonly embeddingDims: readonly number[];
  /** The decoder's prompt inputs by name; the mask prompt is left out (MedSAM never gives one). */
  readonly prompt: Readonly<Record<string, PromptTensor>>;
}

export interface DecodeResult {
  /** The decoder's low-res logits output as it is, [1, K, L, L]. */
  readonly dims: readonly number[];
  /** Little-endian FP32 wire bytes. */
  readonly bytes: Uint8Array;
  readonly runMs: number;
}

export type ToWorker<J = EncodeJob> = { readonly type: 'run'; readonly id: number; readonly job: J };

export type FromWorker<R = EncodeResult> =
  | { readonly type: 'ready' }
  | { readonly type: 'init-failed'; readonly message: string }
  | { readonly type: 'done'; readonly id: number; readonly result: R }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
