import * as ort from 'onnxruntime-node';
import type { InferenceBackend } from '../pipeline/backend';
import { adaptOrtSession, type OrtModule } from './ortAdapter';

export interface OrtNodeOptions {
  /** Intra-op threads; default: onnxruntime's choice (all cores). */
  readonly threads?: number;
  /** "cpu" (default) or "cuda" where onnxruntime-node was installed with CUDA binaries. */
  readonly executionProvider?: 'cpu' | 'cuda';
}

/** onnxruntime-node: the native runtime for the CLI and the embedding service. */
export function createOrtNodeBackend(options: OrtNodeOptions = {}): InferenceBackend {
  const ep = options.executionProvider ?? 'cpu';
  return {
    name: `onnxruntime-node/${ep}`,
    // Native builds keep the original files: their own optimisation adds x86 layouts a saved graph lacks.
    async createSession(model, sessionOptions) {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [ep],
        ...(sessionOptions?.preOptimized ? { graphOptimizationLevel: 'disabled' as const } : {}),
        // The arena keeps peak memory ~70 % higher on ViT-B for little speed-up on CPU.
        enableCpuMemArena: false,
        ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
      });
      return adaptOrtSession(ort as unknown as OrtModule, session);
    },
  };
}
