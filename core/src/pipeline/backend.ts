import type { Tensor } from './tensor';

/** What a runtime reports about one model input or output. Shapes may hold symbolic dimensions. */
export interface IoMetadata {
  readonly name: string;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

/** One loaded ONNX model, whichever runtime runs it. */
export interface ModelSession {
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  run(feeds: Record<string, Tensor>, outputNames?: readonly string[]): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/**
 * An inference runtime (onnxruntime-node, onnxruntime-web WASM/WebGPU, a remote service).
 * The core only ever talks to this interface, so the browser, the server and the CLI share one pipeline.
 */
export interface InferenceBackend {
  /** e.g. "onnxruntime-node", "onnxruntime-web/wasm", "onnxruntime-web/webgpu". */
  readonly name: string;
  createSession(model: Uint8Array, options?: SessionOptions): Promise<ModelSession>;
  /** True where it opens a manifest's pre-optimised files (`optimized`) rather than the originals. */
  readonly opensPreOptimized?: boolean;
}

export interface SessionOptions {
  /** The graph was saved already optimised (manifest `optimized`): open it with graph optimisation off. */
  readonly preOptimized?: boolean;
}
