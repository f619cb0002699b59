import type { InferenceBackend } from '../pipeline/backend';
import { adaptOrtSession, type OrtModule } from './ortAdapter';

export type WebExecutionProvider = 'webgpu' | 'wasm';

/** The onnxruntime-web module's surface that the backend needs (the caller imports the module). */
export interface OrtWebModule extends OrtModule {
  env: { wasm: { numThreads?: number; wasmPaths?: string | Record<string, string>; proxy?: boolean } };
}

export interface OrtWebOptions {
  /** Execution providers in order of preference; the first that creates a session wins. */
  readonly executionProviders?: readonly WebExecutionProvider[];
  /** WASM threads; only honoured when the page is cross-origin isolated. */
  readonly threads?: number;
  /** Where onnxruntime-web's .wasm/.mjs files are served from. */
  readonly wasmPaths?: string;
}

/**
 * onnxruntime-web (WASM, or WebGPU when an adapter exists), in browsers, workers and Node. The module is
 * passed in so that the browser bundle and Node tests each load the build that suits them.
 */
export function createOrtWebBackend(ort: OrtWebModule, options: OrtWebOptions = {}): InferenceBackend {
  const providers = options.executionProviders ?? ['wasm'];
  if (options.threads) ort.env.wasm.numThreads = options.threads;
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  let active: WebExecutionProvider = providers[0] ?? 'wasm';
  return {
    get name() {
      return `onnxruntime-web/${active}`;
    },
    // A pre-optimised graph holds fusions for CPU kernels: WASM runs them, WebGPU would hand them back to WASM.
    opensPreOptimized: providers.length === 1 && providers[0] === 'wasm',
    async createSession(model, sessionOptions) {
      const errors: string[] = [];
      // Optimising at load costs about as much as the rest of session creation (BENCHMARKS.md, issue 13).
      const graphOptimizationLevel = sessionOptions?.preOptimized ? 'disabled' : 'all';
      for (const ep of providers) {
        try {
          const session = await ort.InferenceSession.create(model, { executionProviders: [ep], graphOptimizationLevel });
          active = ep;
          return adaptOrtSession(ort, session);
        } catch (e) {
          errors.push(`${ep}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      throw new Error(`no onnxruntime-web execution provider could load the model (${errors.join('; ')})`);
    },
  };
}
