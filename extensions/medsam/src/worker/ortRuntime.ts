import type { InferenceBackend } from '@medsam-ohif/core';
import { createOrtWebBackend, type OrtWebModule } from '@medsam-ohif/core/src/runtimes/ortWeb';
import type { BackendName } from '../config';
import type { WorkerSettings } from './protocol';

export interface OrtRuntime {
  readonly backend: InferenceBackend;
  readonly providers: readonly BackendName[];
  readonly threads: number;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

interface AdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly isFallbackAdapter?: boolean };
}

/**
 * A software ("fallback") adapter such as SwiftShader runs MedSAM's decoder 100× slower than WASM, so it
 * counts only where the deployment asks for it (headless test browsers). Chrome reports it on
 * `adapter.info` now and on the adapter itself before.
 */
export function usableWebGpuAdapter(adapter: unknown, allowSoftware: boolean): boolean {
  if (adapter == null) return false;
  const a = adapter as AdapterLike;
  const fallback = a.info?.isFallbackAdapter ?? a.isFallbackAdapter ?? false;
  return allowSoftware || !fallback;
}

/** WebGPU counts only when the browser hands out a (hardware, unless allowed otherwise) adapter. */
async function hasWebGpuAdapter(allowSoftware: boolean): Promise<boolean> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return false;
  try {
    return usableWebGpuAdapter(await gpu.requestAdapter(), allowSoftware);
  } catch {
    return false;
  }
}

/**
 * The ORT build for the providers: the plain WASM build (the same .wasm that onnxruntime-web loads under
 * Node, so the CLI's `--backend wasm` reproduces the browser bit for bit) unless WebGPU is usable.
 */
export function ortModuleFile(providers: readonly BackendName[]): string {
  return providers[0] === 'webgpu' ? 'ort.webgpu.min.mjs' : 'ort.wasm.min.mjs';
}

/**
 * WASM threads when `medsam.threads` is not set: half the cores (rounded up), at least 2 where there are 2,
 * at most 4. On a quiet 2-core machine the SAM-sized decoder in Chromium took 1.5–1.7× longer with 1 thread
 * than with 2 (BENCHMARKS.md, issue 13, quiet figures); the earlier 1-thread rule came from runs under load.
 * Threads need cross-origin isolation (SharedArrayBuffer).
 */
export function defaultThreads(isolated: boolean, hardwareConcurrency: number | undefined): number {
  if (!isolated) return 1;
  const cores = Math.max(1, hardwareConcurrency ?? 1);
  return Math.min(4, Math.max(Math.min(2, cores), Math.ceil(cores / 2)));
}

/** Loads onnxruntime-web from the configured URL (never bundled: its own workers and .wasm sit beside it). */
export async function openOrtRuntime(settings: WorkerSettings): Promise<OrtRuntime> {
  const webgpu = settings.backends.includes('webgpu') && (await hasWebGpuAdapter(settings.allowSoftwareWebGpu === true));
  const providers = settings.backends.filter((b) => b === 'wasm' || webgpu);
  if (providers.length === 0) {
    throw new Error('WebGPU is the only configured backend, but this browser offers no WebGPU adapter: add "wasm" to medsam.backends');
  }
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = isolated ? settings.threads ?? defaultThreads(true, globalThis.navigator?.hardwareConcurrency) : 1;
  const url = new URL(ortModuleFile(providers), settings.ortBaseUrl).href;
  const ort = (await import(/* webpackIgnore: true */ /* @vite-ignore */ url)) as OrtWebModule;
  ort.env.wasm.proxy = false;
  const backend = createOrtWebBackend(ort, { executionProviders: providers, threads, wasmPaths: settings.ortBaseUrl });
  return { backend, providers, threads };
}
