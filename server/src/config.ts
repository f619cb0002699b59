/** Everything the service can be told, after defaults are filled in. */
export interface ServerOptions {
  /** Manifest locations (paths or http(s) URLs); each model is served under its manifest's name. */
  readonly models: readonly string[];
  readonly host: string;
  /** 0 picks a free port (tests); the chosen one is printed. */
  readonly port: number;
  /** onnxruntime intra-op threads per encoder worker. */
  readonly threads: number;
  /** Encoder runs at once; each is a worker thread holding its own sessions. */
  readonly concurrency: number;
  /** Requests that may wait for a worker; beyond that: 503 with Retry-After. */
  readonly queue: number;
  readonly maxBodyBytes: number;
  /** Per request, from its arrival to the last byte of the answer. */
  readonly timeoutMs: number;
  /** Bearer token required on everything but the health endpoints. */
  readonly token?: string;
  /** Browser origins allowed by CORS; "*" only when given literally. */
  readonly corsOrigins: readonly string[];
  /**
   * Bytes of computed embeddings kept for the decoder models (FP32: 4 MiB per MedSAM embedding); 0 serves the
   * encoders only. Absent: the default.
   */
  readonly embeddingCacheBytes?: number;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  queue: 4,
  // A JSON-encoded UINT8 [1024, 1024] image takes up to ~4.2 MB; binary is 1 MiB plus the header.
  maxBodyBytes: 16 * 1024 * 1024,
  // A ViT-B embedding takes ~5 s on a 2-core CPU (13–16 s on the first runs), plus the time in the queue.
  timeoutMs: 120_000,
  // 64 MedSAM embeddings: a 40-slice propagation, or the slices a reader moves between, stay decodable.
  embeddingCacheBytes: 256 * 1024 * 1024,
} as const;

/**
 * One run per 4 cores by default: a single ViT-B run already uses every core it is given, so parallel runs
 * only pay off on large machines, and each one costs another copy of the model in memory.
 */
export const defaultConcurrency = (cores: number) => Math.max(1, Math.floor(cores / 4));

/** Threads so that concurrent runs share the cores instead of oversubscribing them. */
export const defaultThreads = (cores: number, concurrency: number) => Math.max(1, Math.floor(cores / concurrency));

/** Token from the environment, so it stays out of `ps` listings. */
export const TOKEN_ENV = 'MEDSAM_EMBEDDING_TOKEN';
