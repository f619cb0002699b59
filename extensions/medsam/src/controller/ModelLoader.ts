import type { EncoderBackend, MedSamConfig } from '../config';
import type { InferenceClient } from '../inference/InferenceClient';
import { choiceOf } from '../modelChoice';
import { toPlainError } from '../utils/plainError';
import type { EncoderSettings, ModelInfo, Progress, WorkerSettings } from '../worker/protocol';
import type { MedSamState, ModelStatus } from './state';
import type { Store } from './Store';

/** Loads the model in the worker once per (manifest, backends) and mirrors its progress into the state. */
export class ModelLoader {
  private pending: { key: string; promise: Promise<ModelInfo> } | null = null;
  /** The settings of the load whose progress the state shows. */
  private currentKey: string | null = null;
  /** The last model that loaded, and the choices that made it: what a failed replacement falls back to. */
  private lastReady: { key: string; choice: Pick<MedSamState, 'manifestUrl' | 'backends' | 'encoderBackend'>; info: ModelInfo } | null = null;

  constructor(
    private readonly client: InferenceClient,
    private readonly store: Store<MedSamState>,
    private readonly config: MedSamConfig,
    private readonly baseUrl: string,
  ) {}

  settings(): WorkerSettings {
    const { manifestUrl, backends, encoderBackend } = this.store.getState();
    return {
      manifestUrl: new URL(manifestUrl, this.baseUrl).href,
      backends,
      ortBaseUrl: new URL(this.config.ortBaseUrl, this.baseUrl).href,
      ...(this.config.allowSoftwareWebGpu ? { allowSoftwareWebGpu: true } : {}),
      ...(this.config.threads ? { threads: this.config.threads } : {}),
      encoderWorker: this.config.encoderWorker,
      embeddingCacheBytes: this.config.embeddingCacheBytes,
      modelCacheName: this.config.modelCacheName,
      encoder: encoderSettings(this.config, encoderBackend, this.baseUrl, manifestUrl),
      ...(this.config.persistentEmbeddingCache ? { persistentCacheBytes: this.config.persistentEmbeddingCacheBytes } : {}),
    };
  }

  /** The loaded model; starts (or joins) loading it. Rejects with the load error. */
  ensure(): Promise<ModelInfo> {
    const settings = this.settings();
    const key = JSON.stringify(settings);
    if (this.pending?.key === key) return this.pending.promise;
    const { manifestUrl, backends, encoderBackend } = this.store.getState();
    const promise = this.client.load(settings, (p) => this.onProgress(key, p));
    this.pending = { key, promise };
    this.currentKey = key;
    this.setModel(key, { status: 'loading', stage: 'manifest' });
    promise.then(
      (info) => {
        this.lastReady = { key, choice: { manifestUrl, backends, encoderBackend }, info };
        if (key === this.currentKey) this.store.update({ encoder: info.encoder ?? null });
        this.setModel(key, { status: 'ready', info });
      },
      (e) => {
        if (this.pending?.key === key) this.pending = null;
        if (key === this.currentKey && this.lastReady && this.lastReady.key !== key) this.keepPrevious(e);
        else this.setModel(key, { status: 'error', error: toPlainError(e) });
      },
    );
    return promise;
  }

  /** Loads in the background; errors only show in the state. */
  preload(): void {
    this.ensure().catch(() => undefined);
  }

  /** Forgets the current model so that the next ensure() loads again (new manifest or backends). */
  invalidate(): void {
    this.pending = null;
    this.currentKey = null;
    this.store.update({ model: { status: 'idle' }, encoder: null });
  }

  /**
   * A replacement model failed to load: the worker still holds the previous one (it swaps only on success),
   * so the choice goes back to it and the error says what failed and what is still in use.
   */
  private keepPrevious(e: unknown): void {
    const previous = this.lastReady!;
    const error = toPlainError(e);
    const still = `${previous.info.name} ${previous.info.version}`;
    this.currentKey = null;
    this.store.update({
      ...previous.choice,
      error: { ...error, title: `${error.title}: still using ${still}`, detail: `${error.detail} (the model you chose was not loaded; ${still} stays in use)` },
    });
    this.preload(); // the worker answers at once: it already holds that model
  }

  private onProgress(key: string, p: Progress): void {
    const current = this.store.getState().model;
    const stage = current.status === 'loading' ? current.stage : 'manifest';
    if (p.kind === 'download') this.setModel(key, { status: 'loading', stage, download: p });
    else this.setModel(key, { status: 'loading', stage: p.stage, ...(current.status === 'loading' && current.download ? { download: current.download } : {}) });
  }

  /** Ignores updates from a load that has since been replaced. */
  private setModel(key: string, model: ModelStatus): void {
    if (key === this.currentKey) this.store.update({ model });
  }
}

/**
 * The service URL is resolved against the page, so "/" means "this origin" (a same-origin proxy). The service
 * model is the chosen model's own (its `medsam.models` entry), else the deployment's one, else none: the
 * client then asks for the manifest's name, which is how our server names each model it serves.
 */
export function encoderSettings(config: MedSamConfig, backend: EncoderBackend, baseUrl: string, manifestUrl: string): EncoderSettings {
  if (backend === 'browser' || !config.embeddingServiceUrl) return { backend };
  const model = choiceOf(config.models, manifestUrl)?.embeddingModel ?? config.embeddingModel;
  return {
    backend,
    service: {
      url: new URL(config.embeddingServiceUrl, baseUrl).href,
      ...(model ? { model } : {}),
      ...(config.embeddingToken ? { token: config.embeddingToken } : {}),
      datatype: config.embeddingDatatype,
      timeoutMs: config.embeddingTimeoutMs,
    },
    decoderBackend: config.decoderBackend,
  };
}
