import type { InferenceBackend } from './backend';
import type { ModelFile, ModelManifest } from './manifestTypes';

/**
 * Which file of a manifest entry a backend opens: the pre-optimised one where the entry has it and the backend
 * takes it (onnxruntime-web WASM: saves the graph optimisation at every load), else the original.
 */
export function fileToOpen(spec: ModelFile, backend: InferenceBackend): { readonly file: ModelFile; readonly preOptimized: boolean } {
  return spec.optimized && backend.opensPreOptimized === true ? { file: spec.optimized, preOptimized: true } : { file: spec, preOptimized: false };
}

/**
 * A model file that really ran, named as the manifest names it. `modelIdentity` names the entries' own files;
 * where a backend opened an entry's pre-optimised file instead, this says which, and from which original.
 */
export interface FileRun {
  /** The manifest entry: "decoder", "decoderSplit.image", "decoderSplit.prompt" (+ ".optimized" for its pre-optimised file). */
  readonly entry: string;
  readonly file: string;
  readonly sha256: string;
  /** Set for a pre-optimised file: the entry's own file it was saved from, and how. */
  readonly preOptimizedFrom?: { readonly file: string; readonly sha256: string; readonly level: string; readonly onnxruntime: string };
}

function fileRun(spec: ModelFile, entry: string, backend: InferenceBackend): FileRun {
  const { file, preOptimized } = fileToOpen(spec, backend);
  if (!preOptimized || !spec.optimized) return { entry, file: spec.file, sha256: spec.sha256 };
  const { level, onnxruntime } = spec.optimized;
  return { entry: `${entry}.optimized`, file: file.file, sha256: file.sha256, preOptimizedFrom: { file: spec.file, sha256: spec.sha256, level, onnxruntime } };
}

/** The decoder files a backend runs for boxes: the split decoder's two parts where they opened, else the decoder. */
export function decoderFilesRun(manifest: ModelManifest, backend: InferenceBackend, split: boolean): FileRun[] {
  if (split && manifest.decoderSplit) {
    return [fileRun(manifest.decoderSplit.image, 'decoderSplit.image', backend), fileRun(manifest.decoderSplit.prompt, 'decoderSplit.prompt', backend)];
  }
  return [fileRun(manifest.decoder, 'decoder', backend)];
}
