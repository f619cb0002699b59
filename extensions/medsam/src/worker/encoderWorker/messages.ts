/**
 * The messages between the inference worker and its encoder worker (a second worker that only encodes).
 * Requests carry an id; each is answered by exactly one `opened`, `encoded` or `failed` of that id, with
 * `progress` before it while the encoder file loads. Everything here survives structured cloning.
 */
import type { ModelManifest, NormalizationSpec, SourceImage } from '@medsam-ohif/core';
import type { BackendName } from '../../config';
import type { ComputedEmbedding } from '../encoders/types';
import type { Progress, WireError } from '../protocol';

/** The worker name (`self.name`) that makes the inference worker's script serve as the encoder worker. */
export const ENCODER_WORKER_NAME = 'medsam-encoder';

/** What the encoder worker needs to open the same encoder as the inference worker would. */
export interface EncoderWorkerSettings {
  /** Absolute; the model files are found relative to it. */
  readonly manifestUrl: string;
  /** The manifest the inference worker parsed (the same hashes, whatever the URL answers later). */
  readonly manifest: ModelManifest;
  readonly backends: readonly BackendName[];
  readonly ortBaseUrl: string;
  readonly allowSoftwareWebGpu?: boolean;
  /** This worker's share of the WASM threads. */
  readonly threads: number;
  readonly modelCacheName: string | null;
}

export type ToEncoderWorker =
  | { readonly type: 'open'; readonly id: number; readonly settings: EncoderWorkerSettings }
  | { readonly type: 'encode'; readonly id: number; readonly image: SourceImage; readonly normalization: NormalizationSpec };

export type FromEncoderWorker =
  | { readonly type: 'progress'; readonly id: number; readonly progress: Progress }
  | { readonly type: 'opened'; readonly id: number; readonly backend: string; readonly threads: number }
  | { readonly type: 'encoded'; readonly id: number; readonly embedding: ComputedEmbedding }
  | { readonly type: 'failed'; readonly id: number; readonly error: WireError };

const isIdAndType = (data: unknown, types: readonly string[]): boolean => {
  if (typeof data !== 'object' || data === null) return false;
  const { type, id } = data as { type?: unknown; id?: unknown };
  return typeof type === 'string' && types.includes(type) && typeof id === 'number';
};

export const isToEncoderWorker = (data: unknown): data is ToEncoderWorker => isIdAndType(data, ['open', 'encode']);
export const isFromEncoderWorker = (data: unknown): data is FromEncoderWorker => isIdAndType(data, ['progress', 'opened', 'encoded', 'failed']);
