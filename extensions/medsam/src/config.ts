import { CT_WINDOW_PRESETS, NORMALIZATION_CHOICES, type CtWindowPreset, type IntensityWindow, type NormalizationChoice } from '@medsam-ohif/core';

export type BackendName = 'webgpu' | 'wasm';

/** Who computes image embeddings: the browser's worker, an inference service, or the service when it answers. */
export type EncoderBackend = 'browser' | 'service' | 'auto';
export const ENCODER_BACKENDS: readonly EncoderBackend[] = ['browser', 'service', 'auto'];
/** Where boxes are decoded: "auto" on the embedding service when it encodes and lists the decoder, else here. */
export type DecoderBackend = 'auto' | 'browser' | 'service';
export const DECODER_BACKENDS: readonly DecoderBackend[] = ['auto', 'browser', 'service'];

/**
 * A second worker that only encodes (the browser's encoder), so that a 3D walk encodes the next slice while
 * this one decodes: "auto" where the browser has at least 4 cores (navigator.hardwareConcurrency), "on", "off".
 */
export type EncoderWorkerSetting = 'auto' | 'on' | 'off';
export const ENCODER_WORKER_SETTINGS: readonly EncoderWorkerSetting[] = ['auto', 'on', 'off'];

/** Wire datatype of embeddings from the service (FP16 halves the download; rounding may flip edge pixels). */
export type EmbeddingDatatype = 'FP16' | 'FP32';

/** A model the deployment offers in the panel's list. */
export interface ModelChoice {
  /** What the reader sees, e.g. "MedSAM ViT-B" or "LiteMedSAM". */
  readonly name: string;
  readonly manifestUrl: string;
  /** A short note shown beside the name, e.g. "needs GPU/service" or "test model". */
  readonly hint?: string;
  /** This model's encoder name on the embedding service (Triton: its folder); default: the manifest's name. */
  readonly embeddingModel?: string;
}

/** Everything a deployment can set; read from `appConfig.medsam` and the extension's own configuration. */
export interface MedSamConfig {
  /**
   * URL of the model manifest used first; the model files are resolved relative to it. Default: the first of
   * `models` when a list is given, else /models/medsam-vit-b/manifest.json.
   */
  readonly modelManifestUrl: string;
  /** The models the panel offers by name (a manifest URL can still be typed for development). */
  readonly models: readonly ModelChoice[];
  /** onnxruntime-web execution providers in order of preference (WebGPU is used only when an adapter exists). */
  readonly backends: readonly BackendName[];
  /** Where onnxruntime-web's .mjs/.wasm files are served (a URL folder, ending in "/"). */
  readonly ortBaseUrl: string;
  /** Use WebGPU even on a software ("fallback") adapter, 100× slower than WASM: for test browsers only. */
  readonly allowSoftwareWebGpu: boolean;
  /** WASM threads; default: half the cores, at most 4, when the page is cross-origin isolated, else 1. */
  readonly threads?: number;
  /**
   * A second worker for the browser's encoder: "auto" (default) on at 4 cores or more, "on", "off". Used only
   * where the browser computes embeddings. A set `threads` is then split between the two; the default goes to
   * the encoder, and half of it to the decoder, where both fit in the cores (encoderWorker/choice.ts).
   */
  readonly encoderWorker: EncoderWorkerSetting;
  /** Upper bound of the in-worker embedding cache in bytes (one MedSAM embedding is 4 MiB). */
  readonly embeddingCacheBytes: number;
  /** Cache Storage name for downloaded model files; null keeps nothing between sessions. */
  readonly modelCacheName: string | null;
  /** CT intensity window: a preset of the core or explicit HU bounds. */
  readonly ctWindow: CtWindowPreset | IntensityWindow;
  /**
   * Intensity rule for every image: "auto" (CT window for CT, series percentiles for other grey images, RGB
   * as is), or one rule for all: "ct", "percentile", "none" (stored 0–255 values as they are).
   */
  readonly normalization: NormalizationChoice;
  /** Override of the worker script URL (default: medsam-worker.mjs next to the extension bundle). */
  readonly workerUrl?: string;
  /** Where embeddings are computed; "service" and "auto" need embeddingServiceUrl. */
  readonly encoderBackend: EncoderBackend;
  /**
   * Where boxes are decoded. "auto" (default): on the embedding service when the encoder runs there and the
   * service serves the decoder (no embedding crosses the wire), else in the browser; "browser": always here;
   * "service": on the service only (needs embeddingServiceUrl and an encoder backend other than "browser").
   */
  readonly decoderBackend: DecoderBackend;
  /** Base URL of the Open Inference Protocol v2 service (the part before /v2), e.g. "/" behind a same-origin proxy. */
  readonly embeddingServiceUrl?: string;
  /**
   * The encoder's model name on the service (Triton: its repository folder) for every model; a listed model's
   * own `embeddingModel` wins. Default: the manifest's name (each model finds its own on our server).
   */
  readonly embeddingModel?: string;
  /** Sent as a Bearer token; it is visible to every user of the viewer, so prefer a proxy that adds it. */
  readonly embeddingToken?: string;
  readonly embeddingDatatype: EmbeddingDatatype;
  /** Per embedding request to the service, queue wait included. */
  readonly embeddingTimeoutMs: number;
  /** While the MedSAM tool is active, embed the shown slice and this many on each side in the background. */
  readonly prefetch: boolean;
  readonly prefetchSlices: number;
  /** Keep embeddings in IndexedDB across page loads (they are derived from patient images: off by default). */
  readonly persistentEmbeddingCache: boolean;
  readonly persistentEmbeddingCacheBytes: number;
  /** While a box is dragged on a slice whose embedding is ready, its mask follows the box (issue 13). */
  readonly liveMask: boolean;
  /**
   * Embeddings a 3D run asks for ahead of the slice it decodes. 2 (default) keeps the worker encoding while the
   * page draws the last mask; 1 asks only once that mask is handled (BENCHMARKS.md, issue 10, viewer3d).
   */
  readonly volume3dLookahead: number;
}

export const DEFAULT_CONFIG: MedSamConfig = {
  modelManifestUrl: '/models/medsam-vit-b/manifest.json',
  models: [],
  backends: ['webgpu', 'wasm'],
  ortBaseUrl: '/ort/',
  allowSoftwareWebGpu: false,
  encoderWorker: 'auto',
  embeddingCacheBytes: 256 * 1024 * 1024,
  modelCacheName: 'medsam-models-v1',
  ctWindow: 'medsam-paper',
  normalization: 'auto',
  encoderBackend: 'browser',
  decoderBackend: 'auto',
  embeddingDatatype: 'FP32',
  embeddingTimeoutMs: 120_000,
  prefetch: true,
  prefetchSlices: 2,
  persistentEmbeddingCache: false,
  persistentEmbeddingCacheBytes: 512 * 1024 * 1024,
  liveMask: true,
  volume3dLookahead: 2,
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

function oneOf<T extends string>(o: Json, key: string, values: readonly T[]): T | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !values.includes(v as T)) throw new ConfigError(`medsam.${key} must be one of ${values.map((x) => `"${x}"`).join(', ')}`);
  return v as T;
}

function flag(o: Json, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(`medsam.${key} must be true or false`);
  return v;
}

function nonNegativeInteger(o: Json, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ConfigError(`medsam.${key} must be an integer ≥ 0`);
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

function modelChoices(o: Json): readonly ModelChoice[] | undefined {
  const v = o.models;
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new ConfigError('medsam.models must be a list of { name, manifestUrl, hint?, embeddingModel? }');
  const names = new Set<string>();
  return v.map((m: unknown, i) => {
    const where = `medsam.models[${i}]`;
    if (!isObject(m)) throw new ConfigError(`${where} must be an object { name, manifestUrl, hint?, embeddingModel? }`);
    const field = (key: string, required: boolean): string | undefined => {
      const f = m[key];
      if (f === undefined && !required) return undefined;
      if (typeof f !== 'string' || f === '') throw new ConfigError(`${where}.${key} must be a non-empty string`);
      return f;
    };
    const name = field('name', true)!;
    const manifestUrl = field('manifestUrl', true)!;
    const hint = field('hint', false);
    const embeddingModel = field('embeddingModel', false);
    if (names.has(name)) throw new ConfigError(`medsam.models names must differ; "${name}" is listed twice`);
    names.add(name);
    return { name, manifestUrl, ...(hint ? { hint } : {}), ...(embeddingModel ? { embeddingModel } : {}) };
  });
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
  let manifestGiven = false;
  for (const source of sources) {
    if (source === undefined || source === null) continue;
    if (!isObject(source)) throw new ConfigError('the MedSAM configuration must be an object');
    const cache = source.modelCacheName;
    if (cache !== undefined && cache !== null && (typeof cache !== 'string' || cache === '')) {
      throw new ConfigError('medsam.modelCacheName must be a non-empty string or null');
    }
    const ort = text(source, 'ortBaseUrl');
    const modelManifestUrl = text(source, 'modelManifestUrl');
    manifestGiven ||= modelManifestUrl !== undefined;
    config = {
      ...config,
      ...defined({
        modelManifestUrl,
        models: modelChoices(source),
        backends: backends(source),
        ortBaseUrl: ort === undefined ? undefined : withSlash(ort),
        allowSoftwareWebGpu: flag(source, 'allowSoftwareWebGpu'),
        threads: positiveInteger(source, 'threads'),
        encoderWorker: oneOf(source, 'encoderWorker', ENCODER_WORKER_SETTINGS),
        embeddingCacheBytes: positiveInteger(source, 'embeddingCacheBytes'),
        ctWindow: ctWindow(source),
        normalization: oneOf(source, 'normalization', NORMALIZATION_CHOICES),
        workerUrl: text(source, 'workerUrl'),
        encoderBackend: oneOf(source, 'encoderBackend', ENCODER_BACKENDS),
        decoderBackend: oneOf(source, 'decoderBackend', DECODER_BACKENDS),
        embeddingServiceUrl: text(source, 'embeddingServiceUrl'),
        embeddingModel: text(source, 'embeddingModel'),
        embeddingToken: text(source, 'embeddingToken'),
        embeddingDatatype: oneOf(source, 'embeddingDatatype', ['FP16', 'FP32'] as const),
        embeddingTimeoutMs: positiveInteger(source, 'embeddingTimeoutMs'),
        prefetch: flag(source, 'prefetch'),
        prefetchSlices: nonNegativeInteger(source, 'prefetchSlices'),
        persistentEmbeddingCache: flag(source, 'persistentEmbeddingCache'),
        persistentEmbeddingCacheBytes: positiveInteger(source, 'persistentEmbeddingCacheBytes'),
        liveMask: flag(source, 'liveMask'),
        volume3dLookahead: nonNegativeInteger(source, 'volume3dLookahead'),
      }),
      ...(cache !== undefined ? { modelCacheName: cache as string | null } : {}),
    };
  }
  if (!manifestGiven && config.models.length) config = { ...config, modelManifestUrl: config.models[0].manifestUrl };
  // One service name for different models would send every model's images to the same encoder.
  const unnamed = config.models.filter((m) => !m.embeddingModel);
  if (config.embeddingModel && config.models.length > 1 && unnamed.length) {
    throw new ConfigError(
      `medsam.embeddingModel "${config.embeddingModel}" would be the service model of all ${config.models.length} listed models; set embeddingModel on each entry of medsam.models instead (missing on ${unnamed.map((m) => `"${m.name}"`).join(', ')})`,
    );
  }
  if (config.encoderBackend === 'service' && !config.embeddingServiceUrl) {
    throw new ConfigError('medsam.encoderBackend "service" needs medsam.embeddingServiceUrl');
  }
  // The service decodes on embeddings it computed itself: nothing to decode there when the browser encodes.
  if (config.decoderBackend === 'service' && (!config.embeddingServiceUrl || config.encoderBackend === 'browser')) {
    throw new ConfigError('medsam.decoderBackend "service" needs medsam.embeddingServiceUrl and medsam.encoderBackend "service" or "auto"');
  }
  return config;
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
