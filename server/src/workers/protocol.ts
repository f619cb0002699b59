import type { ModelManifest } from '@medsam-ohif/core';

/** Messages between the HTTP thread and an encoder worker thread. */

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
}

export interface EncodeResult {
  readonly datatype: OutputDatatype;
  readonly dims: readonly number[];
  /** Little-endian wire bytes of the embedding. */
  readonly bytes: Uint8Array;
  /** Time inside onnxruntime, for Retry-After estimates and logs. */
  readonly runMs: number;
}

export type ToWorker = { readonly type: 'run'; readonly id: number; readonly job: EncodeJob };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'init-failed'; readonly message: string }
  | { readonly type: 'done'; readonly id: number; readonly result: EncodeResult }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
