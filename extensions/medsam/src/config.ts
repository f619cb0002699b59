import { CT_WINDOW_PRESETS, type CtWindowPreset, type IntensityWindow } from '@medsam-ohif/core';

export type BackendName = 'webgpu' | 'wasm';

/** Everything a deployment can set; read from `appConfig.medsam` and the extension's own configuration. */
export interface MedSamConfig {
  /** URL of the model manifest; the model files are resolved relative to it. */
  readonly modelManifestUrl: string;
  /** onnxruntime-web execution providers in order of preference (WebGPU is used only when an adapter exists). */
  readonly backends: readonly BackendName[];
  /** Where onnxruntime-web's .mjs/.wasm files are served (a URL folder, ending in "/"). */
  readonly ortBaseUrl: string;
  /** WASM threads; default: up to 4 when the page is cross-origin isolated, else 1. */
  readonly threads?: number;
  /** Upper bound of the in-worker embedding cache in bytes (one MedSAM embedding is 4 MiB). */
  readonly embeddingCacheBytes: number;
  /** Cache Storage name for downloaded model files; null keeps nothing between sessions. */
  readonly modelCacheName: string | null;
  /** CT intensity window: a preset of the core or explicit HU bounds. */
  readonly ctWindow: CtWindowPreset | IntensityWindow;
  /** Override of the worker script URL (default: medsam-worker.mjs next to the extension bundle). */
  readonly workerUrl?: string;
}

export const DEFAULT_CONFIG: MedSamConfig = {
  modelManifestUrl: '/models/medsam-vit-b/manifest.json',
  backends: ['webgpu', 'wasm'],
  ortBaseUrl: '/ort/',
  embeddingCacheBytes: 256 * 1024 * 1024,
  modelCacheName: 'medsam-models-v1',
  ctWindow: 'medsam-paper',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(o: Json, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new ConfigError(`medsam.${key} must be a non-empty string`);
  return v;
}

function positiveInteger(o: Json, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`medsam.${key} must be a positive integer`);
  return v;
}

function backends(o: Json): readonly BackendName[] | undefined {
  const v = o.backends;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || !v.every((b) => b === 'webgpu' || b === 'wasm')) {
    throw new ConfigError('medsam.backends must be a non-empty list of "webgpu" and "wasm"');
  }
  return [...new Set(v as BackendName[])];
}

function ctWindow(o: Json): CtWindowPreset | IntensityWindow | undefined {
  const v = o.ctWindow;
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v in CT_WINDOW_PRESETS) return v as CtWindowPreset;
  if (isObject(v) && typeof v.lower === 'number' && typeof v.upper === 'number' && v.upper > v.lower) {
    return { lower: v.lower, upper: v.upper };
  }
  throw new ConfigError(`medsam.ctWindow must be one of ${Object.keys(CT_WINDOW_PRESETS).join(', ')} or { lower, upper } with lower < upper`);
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Merges the settings of one source over another. A run-time extension (a bare URL in app-config) gets an
 * empty `configuration` from OHIF, so `appConfig.medsam` is the usual source; a build-time deployment may
 * also pass `[extension, configuration]` in pluginConfig. Later sources win.
 */
export function readConfig(...sources: unknown[]): MedSamConfig {
  let config: MedSamConfig = DEFAULT_CONFIG;
  for (const source of sources) {
    if (source === undefined || source === null) continue;
    if (!isObject(source)) throw new ConfigError('the MedSAM configuration must be an object');
    const cache = source.modelCacheName;
    if (cache !== undefined && cache !== null && (typeof cache !== 'string' || cache === '')) {
      throw new ConfigError('medsam.modelCacheName must be a non-empty string or null');
    }
    const ort = text(source, 'ortBaseUrl');
    config = {
      ...config,
      ...defined({
        modelManifestUrl: text(source, 'modelManifestUrl'),
        backends: backends(source),
        ortBaseUrl: ort === undefined ? undefined : withSlash(ort),
        threads: positiveInteger(source, 'threads'),
        embeddingCacheBytes: positiveInteger(source, 'embeddingCacheBytes'),
        ctWindow: ctWindow(source),
        workerUrl: text(source, 'workerUrl'),
      }),
      ...(cache !== undefined ? { modelCacheName: cache as string | null } : {}),
    };
  }
  return config;
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
