/**
 * The messages between the main thread and the inference worker. Requests carry an id; the worker answers
 * each with exactly one `result` or `error` of that id, and may send `progress` messages for it before.
 * Everything here must survive structured cloning (no classes, no functions).
 */
import type { Box, CheckedBox, MaskSummary, MedSamErrorCode, NormalizationRecord, NormalizationSpec, SourceImage } from '@medsam-ohif/core';
import type { BackendName } from '../config';

export interface WorkerSettings {
  /** Absolute URL of the model manifest. */
  readonly manifestUrl: string;
  readonly backends: readonly BackendName[];
  /** Absolute URL of onnxruntime-web's dist folder, ending in "/". */
  readonly ortBaseUrl: string;
  readonly threads?: number;
  readonly embeddingCacheBytes: number;
  readonly modelCacheName: string | null;
}

export interface ModelInfo {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly testModel: boolean;
  /** modelIdentity(): name@version+hashes, for caches and provenance. */
  readonly identity: string;
  /** e.g. "onnxruntime-web/wasm". */
  readonly backend: string;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  /** Milliseconds spent loading (download or cache read, hash check, session creation). */
  readonly loadMs: number;
}

/** Which image an embedding belongs to. */
export interface ImageRef {
  readonly imageId: string;
  readonly sopInstanceUid?: string;
  readonly frame?: number;
}

export interface SegmentRequest {
  readonly image: SourceImage;
  readonly imageRef: ImageRef;
  readonly normalization: NormalizationSpec;
  readonly box: Box;
}

export interface SegmentResult {
  /** Row-major 0/1 mask on the source image's pixel grid (rows × columns). */
  readonly mask: Uint8Array;
  readonly rows: number;
  readonly columns: number;
  readonly summary: MaskSummary;
  readonly box: CheckedBox;
  readonly normalization: NormalizationRecord;
  readonly embeddingCacheHit: boolean;
  /** Milliseconds per stage (normalize, resize, encode, decoder, postprocess). */
  readonly timings: Record<string, number>;
  readonly modelIdentity: string;
}

export type WorkerRequest =
  | { readonly type: 'load'; readonly id: number; readonly settings: WorkerSettings }
  | { readonly type: 'segment'; readonly id: number; readonly request: SegmentRequest }
  | { readonly type: 'clearCache'; readonly id: number };

export type Progress =
  | { readonly kind: 'download'; readonly part: 'encoder' | 'decoder'; readonly loadedBytes: number; readonly totalBytes?: number; readonly fromCache: boolean }
  | { readonly kind: 'stage'; readonly stage: ProgressStage };

export type ProgressStage = 'manifest' | 'verify' | 'session' | 'normalize' | 'encode' | 'decode';

export interface WireError {
  /** A core MedSamError code, or INTERNAL for anything unexpected. */
  readonly code: MedSamErrorCode | 'INTERNAL';
  readonly message: string;
}

export type WorkerResponse =
  | { readonly type: 'progress'; readonly id: number; readonly progress: Progress }
  | { readonly type: 'loaded'; readonly id: number; readonly model: ModelInfo }
  | { readonly type: 'segmented'; readonly id: number; readonly result: SegmentResult }
  | { readonly type: 'cleared'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError };

const REQUEST_TYPES = new Set(['load', 'segment', 'clearCache']);
const RESPONSE_TYPES = new Set(['progress', 'loaded', 'segmented', 'cleared', 'error']);

function hasIdAndType(data: unknown, types: Set<string>): data is { type: string; id: number } {
  if (typeof data !== 'object' || data === null) return false;
  const { type, id } = data as { type?: unknown; id?: unknown };
  return typeof type === 'string' && types.has(type) && typeof id === 'number' && Number.isInteger(id);
}

/** Guards for the two ends: anything else that arrives on the port (e.g. from a devtools console) is ignored. */
export const isWorkerRequest = (data: unknown): data is WorkerRequest => hasIdAndType(data, REQUEST_TYPES);
export const isWorkerResponse = (data: unknown): data is WorkerResponse => hasIdAndType(data, RESPONSE_TYPES);

/** Turns anything thrown into a WireError, keeping the core's error codes. */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error && e.name === 'MedSamError' && typeof (e as { code?: unknown }).code === 'string') {
    return { code: (e as Error & { code: MedSamErrorCode }).code, message: e.message };
  }
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/**
 * The buffers of a message that can be moved rather than copied: the mask going back, and the pixels going
 * in (the sender owns that copy: it is never a view of cornerstone's cache).
 */
export function transferablesOf(message: WorkerResponse | WorkerRequest): Transferable[] {
  if (message.type === 'segmented') return [message.result.mask.buffer as ArrayBuffer];
  if (message.type === 'segment') return [message.request.image.pixels.buffer as ArrayBuffer];
  return [];
}
