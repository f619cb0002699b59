import type { InferenceBackend } from './backend';
import type { ModelFile } from './manifestTypes';

/**
 * Which file of a manifest entry a backend opens: the pre-optimised one where the entry has it and the backend
 * takes it (onnxruntime-web WASM: saves the graph optimisation at every load), else the original.
 */
export function fileToOpen(spec: ModelFile, backend: InferenceBackend): { readonly file: ModelFile; readonly preOptimized: boolean } {
  return spec.optimized && backend.opensPreOptimized === true ? { file: spec.optimized, preOptimized: true } : { file: spec, preOptimized: false };
}
