/**
 * The messages between the main thread and the inference worker. Requests carry an id; the worker answers
 * each with exactly one `result` or `error` of that id, and may send `progress` messages for it before.
 * Everything here must survive structured cloning (no classes, no functions).
 */
import type { Box, CheckedBox, FileRun, MaskSummary, MedSamErrorCode, NormalizationRecord, NormalizationSpec, PixelBox, PreprocessingProfile, SourceImage } from '@medsam-ohif/core';
import type { BackendName, DecoderBackend, EmbeddingDatatype, EncoderBackend, EncoderWorkerSetting } from '../config';

/** The inference service, as the worker reaches it (absolute URL). */
export interface ServiceSettings {
  readonly url: string;
  readonly model?: string;
  readonly token?: string;
  readonly datatype: EmbeddingDatatype;
  readonly timeoutMs: number;
}

export interface EncoderSettings {
  readonly backend: EncoderBackend;
  /** Absent: "auto" means the browser, "service" is refused. */
  readonly service?: ServiceSettings;
  /** Where boxes are decoded (MedSamConfig.decoderBackend); absent: "auto". */
  readonly decoderBackend?: DecoderBackend;
}

/** Who ran the decoder for a result. */
export type DecoderSource = 'browser' | 'service';

/** Who computed an embedding. */
export type EmbeddingSource = 'browser' | 'service';

/** Where embeddings come from now, and why not from the configured place. */
export interface EncoderStatus {
  readonly backend: EncoderBackend;
  /** Where the next embedding goes. */
  readonly active: EmbeddingSource;
  readonly serviceUrl?: string;
  /** Plain words for the panel, e.g. why "auto" uses the browser. */
  readonly note: string | null;
}

export interface WorkerSettings {
  /** Absolute URL of the model manifest. */
  readonly manifestUrl: string;
  readonly backends: readonly BackendName[];
  /** Absolute URL of onnxruntime-web's dist folder, ending in "/". */
  readonly ortBaseUrl: string;
  /** Accept a software WebGPU adapter (see MedSamConfig.allowSoftwareWebGpu). */
  readonly allowSoftwareWebGpu?: boolean;
  readonly threads?: number;
  /** A second worker for the browser's encoder (MedSamConfig.encoderWorker); absent: "off". */
  readonly encoderWorker?: EncoderWorkerSetting;
  readonly embeddingCacheBytes: number;
  readonly modelCacheName: string | null;
  /** Absent: the browser computes embeddings (the default). */
  readonly encoder?: EncoderSettings;
  /** IndexedDB budget for embeddings kept across page loads; absent or 0: none. */
  readonly persistentCacheBytes?: number;
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
  /** This worker's WASM threads (the decoder's, where a second worker encodes). */
  readonly threads: number;
  /** Set where a second worker computes the browser's embeddings (medsam.encoderWorker), with its threads. */
  readonly encoderWorker?: { readonly threads: number };
  readonly crossOriginIsolated: boolean;
  /** Milliseconds spent loading (download or cache read, hash check, session creation). */
  readonly loadMs: number;
  readonly encoder?: EncoderStatus;
  /** What embedding cache keys start with: the same for the browser's and the service's encoder (see embeddingKey.ts). */
  readonly embeddingIdentity?: string;
  /** How a slice maps onto the model input (the 3D protocol derives boxes in model pixels on the main thread). */
  readonly profile?: PreprocessingProfile;
  /** "split" when boxes run the manifest's split decoder (image part once per embedding), else "unsplit". */
  readonly decoder?: 'split' | 'unsplit';
  /** Where boxes are decoded after this load: "service" when the embedding service decodes them (issue 10). */
  readonly decoderRuns?: DecoderSource;
  readonly inputSize?: number;
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
  /** Who computed the embedding (for a cache hit: who computed it then). */
  readonly embeddingSource?: EmbeddingSource;
  /** Set when "auto" had to fall back to the browser for this image, in plain words. */
  readonly fallback?: string;
  /** Where the decoder ran for this mask. */
  readonly decoder?: DecoderSource;
  /** The browser's decoder files that made it, as the manifest names them (absent when the service decoded). */
  readonly decoderFiles?: readonly FileRun[];
}

/** Embed an image ahead of any box (background prefetch). */
export interface EmbedRequest {
  readonly image: SourceImage;
  readonly imageRef: ImageRef;
  readonly normalization: NormalizationSpec;
}

export interface EmbedResult {
  readonly key: string;
  readonly cacheHit: boolean;
  readonly source: EmbeddingSource;
  readonly fallback?: string;
  readonly ms: number;
}

/**
 * 3D: the decoder on a box already in model input pixels, on an embedding an `embed` request put in the cache
 * (its `key`). The mask comes back on the slice's grid.
 */
export interface DecodeRequest {
  readonly key: string;
  readonly modelBox: PixelBox;
}

export interface DecodeResult {
  readonly mask: Uint8Array;
  readonly rows: number;
  readonly columns: number;
  readonly normalization: NormalizationRecord;
  readonly modelIdentity: string;
  readonly embeddingSource: EmbeddingSource;
  readonly decodeMs: number;
  /** Where the decoder ran for this slice. */
  readonly decoder?: DecoderSource;
  /** The browser's decoder files that made it, as the manifest names them (absent when the service decoded). */
  readonly decoderFiles?: readonly FileRun[];
}

export type WorkerRequest =
  | { readonly type: 'load'; readonly id: number; readonly settings: WorkerSettings }
  | { readonly type: 'segment'; readonly id: number; readonly request: SegmentRequest }
  | { readonly type: 'clearCache'; readonly id: number }
  | { readonly type: 'embed'; readonly id: number; readonly request: EmbedRequest }
  | { readonly type: 'decode'; readonly id: number; readonly request: DecodeRequest }
  /** Stops request `target` (waiting, or a service call in flight); it then fails with CANCELLED. Not answered. */
  | { readonly type: 'cancel'; readonly id: number; readonly target: number };

export type Progress =
  | { readonly kind: 'download'; readonly part: 'encoder' | 'decoder'; readonly loadedBytes: number; readonly totalBytes?: number; readonly fromCache: boolean }
  | { readonly kind: 'stage'; readonly stage: ProgressStage };

export type ProgressStage = 'manifest' | 'verify' | 'session' | 'normalize' | 'encode' | 'decode';

/** SERVICE_UNAVAILABLE: the embedding service stopped answering; CANCELLED: the caller cancelled. */
export type WorkerErrorCode = 'SERVICE_UNAVAILABLE' | 'CANCELLED';

export interface WireError {
  /** A core MedSamError code, the worker's own, or INTERNAL for anything unexpected. */
  readonly code: MedSamErrorCode | WorkerErrorCode | 'INTERNAL';
  readonly message: string;
}

export type WorkerResponse =
  | { readonly type: 'progress'; readonly id: number; readonly progress: Progress }
  | { readonly type: 'loaded'; readonly id: number; readonly model: ModelInfo }
  | { readonly type: 'segmented'; readonly id: number; readonly result: SegmentResult }
  | { readonly type: 'cleared'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError }
  | { readonly type: 'embedded'; readonly id: number; readonly result: EmbedResult }
  | { readonly type: 'decoded'; readonly id: number; readonly result: DecodeResult }
  /** Unsolicited (id 0): the embedding cache's keys changed. */
  | { readonly type: 'cacheKeys'; readonly id: 0; readonly keys: readonly string[] }
  /** Unsolicited (id 0): where embeddings come from changed (e.g. "auto" fell back to the browser). */
  | { readonly type: 'encoderStatus'; readonly id: 0; readonly status: EncoderStatus };

const REQUEST_TYPES = new Set(['load', 'segment', 'clearCache', 'embed', 'decode', 'cancel']);
const RESPONSE_TYPES = new Set(['progress', 'loaded', 'segmented', 'cleared', 'error', 'embedded', 'decoded', 'cacheKeys', 'encoderStatus']);

function hasIdAndType(data: unknown, types: Set<string>): data is { type: string; id: number } {
  if (typeof data !== 'object' || data === null) return false;
  const { type, id } = data as { type?: unknown; id?: unknown };
  return typeof type === 'string' && types.has(type) && typeof id === 'number' && Number.isInteger(id);
}

/** Guards for the two ends: anything else that arrives on the port (e.g. from a devtools console) is ignored. */
export const isWorkerRequest = (data: unknown): data is WorkerRequest => hasIdAndType(data, REQUEST_TYPES);
export const isWorkerResponse = (data: unknown): data is WorkerResponse => hasIdAndType(data, RESPONSE_TYPES);

/** Error classes whose `code` travels: the core's MedSamError (and OipError, a subclass), the worker's own. */
const WIRE_ERROR_NAMES = new Set(['MedSamError', 'OipError', 'WorkerError']);

/** Turns anything thrown into a WireError, keeping the core's error codes. */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error && WIRE_ERROR_NAMES.has(e.name) && typeof (e as { code?: unknown }).code === 'string') {
    return { code: (e as Error & { code: MedSamErrorCode }).code, message: e.message };
  }
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/**
 * The buffers of a message that can be moved rather than copied: the mask going back, and the pixels going
 * in (the sender owns that copy: it is never a view of cornerstone's cache).
 */
export function transferablesOf(message: WorkerResponse | WorkerRequest): Transferable[] {
  if (message.type === 'segmented' || message.type === 'decoded') return [message.result.mask.buffer as ArrayBuffer];
  if (message.type === 'segment' || message.type === 'embed') return [message.request.image.pixels.buffer as ArrayBuffer];
  return [];
}
