import {
  checkBox,
  decodeModelBox,
  decoderFilesRun,
  loadSplitDecoder,
  fileToOpen,
  MedSamError,
  modelIdentity,
  parseManifest,
  segmentBox,
  type FileRun,
  type InferenceBackend,
  type ModelManifest,
  type ModelSession,
  type NormalizationSpec,
  type SourceImage,
} from '@medsam-ohif/core';
import { oipDecoder } from '@medsam-ohif/core/src/runtimes/oipDecoder';
import { ServiceDecoding, type KeptEmbedding } from './decoders/ServiceDecoding';
import { browserEmbeddingOfKept } from './decoders/keptFallback';
import { BoxDecoder } from './BoxDecoder';
import { cachedFileSource, type PersistentFileSource } from './cachedFileSource';
import { EmbeddingCache } from './EmbeddingCache';
import { embeddingIdentity, embeddingKey } from './embeddingKey';
import { browserProducer } from './encoders/browserEncoder';
import { threadShares, wantsEncoderWorker } from './encoderWorker/choice';
import { encoderWorkerOrLocal, startEncoderWorker, type EncoderWorkerLike, type RemoteEncoder } from './encoderWorker/RemoteEncoder';
import { EncoderRouter } from './encoders/EncoderRouter';
import { serviceProducer } from './encoders/serviceEncoder';
import { serviceError } from './encoders/serviceFailure';
import type { ComputedEmbedding } from './encoders/types';
import { openModelPart } from './openModelPart';
import { defaultThreads, openOrtRuntime } from './ortRuntime';
import { openPersistentStore } from './persistentStore';
import type { DecodeRequest, DecodeResult, EmbedRequest, EmbedResult, EncoderStatus, ImageRef, ModelInfo, Progress, SegmentRequest, SegmentResult, WorkerSettings } from './protocol';
import { cancelled } from './WorkerError';

type Report = (p: Progress) => void;

interface LoadedModel {
  readonly settingsKey: string;
  readonly manifest: ModelManifest;
  /** The decoder as boxes run it (split when the manifest has it; warmed up after load). */
  readonly boxDecoder: BoxDecoder;
  /** The files boxDecoder runs (a pre-optimised one instead of the file the model identity names, on WASM). */
  readonly decoderFiles: readonly FileRun[];
  /** Opens the browser's encoder on first use (at load for the "browser" backend). */
  readonly encoder: () => Promise<ModelSession>;
  readonly release: () => Promise<void>;
  readonly router: EncoderRouter;
  /** The decoder on the embedding service, where it serves (issue 10). */
  readonly decoding: ServiceDecoding;
  readonly info: ModelInfo;
}

/** What the engine tells the main thread without being asked. */
export interface EngineEvents {
  readonly cacheKeys?: (keys: readonly string[]) => void;
  readonly encoderStatus?: (status: EncoderStatus) => void;
}

const now = () => performance.now();

/** The model, its sessions, the encoder backend choice and the embedding cache: everything inside the worker. */
export class InferenceEngine {
  private model: LoadedModel | null = null;
  private cache: EmbeddingCache | null = null;
  private cacheSettings = '';
  /** Embeddings being computed, by cache key. */
  private readonly computing = new Map<string, Promise<{ entry: ComputedEmbedding; fallback: string | undefined }>>();

  /** `createEncoderWorker` starts a second worker that only encodes (medsam.encoderWorker); without it, never. */
  constructor(
    private readonly events: EngineEvents = {},
    private readonly createEncoderWorker: (() => EncoderWorkerLike) | null = null,
  ) {}

  async load(settings: WorkerSettings, report: Report): Promise<ModelInfo> {
    const settingsKey = JSON.stringify(settings);
    if (this.model?.settingsKey === settingsKey) return this.model.info;
    // The current model keeps serving boxes until the new one has loaded; a failed load leaves it in place.
    const t0 = now();
    report({ kind: 'stage', stage: 'manifest' });
    const manifest = parseManifest(await fetchJson(settings.manifestUrl));
    const enc = settings.encoder ?? { backend: 'browser' as const };
    // With an encoder worker, this worker's threads are shared with it (it runs while this one decodes).
    const threads = this.encoderWorkerThreads(settings, enc.backend === 'browser' || !enc.service);
    const runtime = await openOrtRuntime(threads ? { ...settings, threads: threads.decoder } : settings);
    const source = cachedFileSource(settings.manifestUrl, manifest, settings.modelCacheName, (p) =>
      report({ kind: 'download', part: p.file === manifest.encoder.file ? 'encoder' : 'decoder', loadedBytes: p.loadedBytes, totalBytes: p.totalBytes, fromCache: p.fromCache }),
    );
    const stage = (p: { stage: string }) => {
      if (p.stage === 'verify' || p.stage === 'session') report({ kind: 'stage', stage: p.stage });
    };
    const open = (part: 'encoder' | 'decoder') => openModelPart(manifest, part, source, runtime.backend, stage);
    // The small decoder first: a broken manifest or runtime shows up before the long encoder download. Where
    // the split decoder opens, the unsplit one is not needed (same logits) and is not even downloaded.
    const split = await this.openSplit(manifest, source, runtime.backend);
    const boxDecoder = new BoxDecoder(split ? null : await open('decoder'), manifest, split);
    const decoderFiles = decoderFilesRun(manifest, runtime.backend, boxDecoder.isSplit);
    let encoderSession: Promise<ModelSession> | null = null;
    const encoder = () => {
      encoderSession ??= open('encoder');
      encoderSession.catch(() => (encoderSession = null)); // a failed download may be retried
      return encoderSession;
    };
    let encoderWorker: RemoteEncoder | null = null;
    const releaseAll = async () => {
      encoderWorker?.terminate();
      const sessions = [boxDecoder.release(), ...(encoderSession ? [encoderSession.then((s) => s.release())] : [])];
      await Promise.allSettled(sessions);
    };
    const service = enc.backend !== 'browser' && enc.service ? serviceProducer(manifest, enc.service) : null;
    const browser = encoderWorkerOrLocal(() => encoderWorker, browserProducer(manifest, encoder));
    const router = new EncoderRouter({ backend: enc.backend, browser, service, onStatus: this.events.encoderStatus });
    const serviceDecoder = service && enc.service ? oipDecoder({ url: enc.service.url, ...(enc.service.model ? { model: enc.service.model } : {}), ...(enc.service.token ? { token: enc.service.token } : {}) }, service.compact ?? manifest) : null;
    const decoding = new ServiceDecoding(service?.compact ?? manifest, enc.decoderBackend ?? 'auto', service?.client ?? null, serviceDecoder, () => this.reportKeys());
    try {
      // The browser's encoder is loaded up front only where it is the plan; "auto" loads it on a fallback. The
      // encoder worker opens its own; this worker opens one only if that worker cannot start (or stops later).
      if (threads && this.createEncoderWorker) {
        const { manifestUrl, backends, ortBaseUrl, allowSoftwareWebGpu, modelCacheName } = settings;
        encoderWorker = await startEncoderWorker(this.createEncoderWorker, { manifestUrl, manifest, backends, ortBaseUrl, ...(allowSoftwareWebGpu ? { allowSoftwareWebGpu } : {}), threads: threads.encoder, modelCacheName }, report);
      }
      if ((enc.backend === 'browser' || !service) && !encoderWorker) await encoder();
      await router.start();
      // The service decodes only on embeddings it computed: only while it is the encoder.
      if (router.status().active === 'service') await decoding.start();
    } catch (e) {
      await releaseAll();
      throw e;
    }
    const info: ModelInfo = {
      name: manifest.name,
      version: manifest.version,
      description: manifest.description,
      testModel: manifest.testModel,
      identity: modelIdentity(manifest),
      backend: runtime.backend.name,
      threads: runtime.threads,
      ...(encoderWorker ? { encoderWorker: { threads: encoderWorker.threads } } : {}),
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      loadMs: Math.round(now() - t0),
      encoder: router.status(),
      embeddingIdentity: embeddingIdentity(manifest),
      profile: manifest.profile,
      decoder: boxDecoder.isSplit ? 'split' : 'unsplit',
      decoderRuns: decoding.active ? 'service' : 'browser',
      inputSize: manifest.inputSize,
    };
    const previous = this.model;
    this.model = { settingsKey, manifest, boxDecoder, decoderFiles, encoder, release: releaseAll, router, decoding, info };
    boxDecoder.warmUp(); // off the main thread, before the first box (which waits for it)
    await previous?.release();
    await this.ensureCache(settings);
    return info;
  }

  async segment(request: SegmentRequest, report: Report, signal?: AbortSignal): Promise<SegmentResult> {
    const model = this.loaded();
    const { image, box } = request;
    // A bad box is refused before seconds of encoding are spent on it.
    checkBox(box, image.rows, image.columns);
    const onService = await this.onService(model, image, request.imageRef, request.normalization, report, signal, async (key, kept, keptHit) => {
      report({ kind: 'stage', stage: 'decode' });
      const r = await model.decoding.withDecoder(key, kept, signal, (session, k) => segmentBox(session, model.manifest, null, k.prepared, box));
      return {
        mask: r.mask.data,
        rows: r.mask.rows,
        columns: r.mask.columns,
        summary: r.summary,
        box: r.box,
        normalization: kept.normalization,
        embeddingCacheHit: keptHit,
        timings: { ...(keptHit ? {} : kept.timings), ...r.timings },
        modelIdentity: model.info.identity,
        embeddingSource: 'service' as const,
        decoder: 'service' as const,
      };
    });
    if (onService) return onService;
    const { entry, hit, fallback } = await this.embedding(model, image, request.imageRef, request.normalization, report, signal);
    report({ kind: 'stage', stage: 'decode' });
    const result = await segmentBox(await model.boxDecoder.sessionFor(entry.embedding), model.manifest, entry.embedding, entry.prepared, box);
    return {
      mask: result.mask.data,
      rows: result.mask.rows,
      columns: result.mask.columns,
      summary: result.summary,
      box: result.box,
      normalization: entry.normalization,
      embeddingCacheHit: hit,
      timings: { ...(hit ? {} : entry.timings), ...result.timings },
      modelIdentity: model.info.identity,
      embeddingSource: entry.source,
      decoder: 'browser',
      decoderFiles: model.decoderFiles,
      ...(fallback ? { fallback } : {}),
    };
  }

  /** Background prefetch: the embedding of one image, into the cache (or kept on the service, which then decodes). */
  async embed(request: EmbedRequest, report: Report, signal?: AbortSignal): Promise<EmbedResult> {
    const model = this.loaded();
    const t0 = now();
    const kept = await this.onService(model, request.image, request.imageRef, request.normalization, report, signal, async (key, _entry, hit) => ({ key, cacheHit: hit, source: 'service' as const, ms: now() - t0 }));
    if (kept) return kept;
    const { key, entry, hit, fallback } = await this.embedding(model, request.image, request.imageRef, request.normalization, report, signal);
    return { key, cacheHit: hit, source: entry.source, ms: now() - t0, ...(fallback ? { fallback } : {}) };
  }

  /**
   * 3D: the decoder on a box in model input pixels, on an embedding that an `embed` request cached (the 3D
   * protocol derives each slice's box from its neighbour's mask in model space, so no image box exists).
   */
  async decode(request: DecodeRequest): Promise<DecodeResult> {
    const model = this.loaded();
    let entry = await this.cache?.get(request.key);
    const kept = entry ? undefined : model.decoding.get(request.key);
    if (kept && model.decoding.active) {
      const t0 = now();
      try {
        const mask = await model.decoding.withDecoder(request.key, kept, undefined, (session, k) => decodeModelBox(session, model.manifest, null, k.prepared, request.modelBox));
        return { mask: mask.data, rows: mask.rows, columns: mask.columns, normalization: kept.normalization, modelIdentity: model.info.identity, embeddingSource: 'service', decodeMs: now() - t0, decoder: 'service' };
      } catch (e) {
        this.serviceDecoderFailed(model, e, undefined);
      }
    }
    // The slice was kept on the service, which no longer decodes: its compact image is embedded here instead.
    if (!entry && kept) {
      entry = await browserEmbeddingOfKept(model.manifest, await model.encoder(), kept);
      this.cache?.put(request.key, entry);
    }
    if (!entry) {
      throw new MedSamError('INFERENCE_FAILED', "the slice's embedding left the embedding cache before its box was decoded: raise medsam.embeddingCacheBytes");
    }
    const t0 = now();
    const mask = await decodeModelBox(await model.boxDecoder.sessionFor(entry.embedding), model.manifest, entry.embedding, entry.prepared, request.modelBox);
    return {
      mask: mask.data,
      rows: mask.rows,
      columns: mask.columns,
      normalization: entry.normalization,
      modelIdentity: model.info.identity,
      embeddingSource: entry.source,
      decodeMs: now() - t0,
      decoder: 'browser',
      decoderFiles: model.decoderFiles,
    };
  }

  clearCache(): void {
    this.cache?.clear();
  }

  /** The two workers' threads where an encoder worker is wanted (medsam.encoderWorker), else null. */
  private encoderWorkerThreads(settings: WorkerSettings, browserEncodes: boolean) {
    const cores = globalThis.navigator?.hardwareConcurrency;
    if (!this.createEncoderWorker || !wantsEncoderWorker(settings.encoderWorker, browserEncodes, cores)) return null;
    const isolated = globalThis.crossOriginIsolated === true;
    return threadShares(isolated ? settings.threads ?? defaultThreads(true, cores) : 1, isolated && settings.threads !== undefined, cores);
  }

  /** The manifest's split decoder, or null (none, or it failed to open: the unsplit decoder serves then). */
  private async openSplit(manifest: ModelManifest, source: PersistentFileSource, backend: InferenceBackend) {
    if (!manifest.decoderSplit) return null;
    const parts = [manifest.decoderSplit.image, manifest.decoderSplit.prompt].map((p) => fileToOpen(p, backend).file.file);
    try {
      const split = await loadSplitDecoder(manifest, source, backend);
      for (const part of parts) await source.persist(part);
      return split;
    } catch (e) {
      // The unsplit decoder gives the same masks; a broken split must not stop the model.
      if (e instanceof MedSamError && e.code === 'MODEL_HASH_MISMATCH') for (const part of parts) await source.forget(part);
      console.warn(`MedSAM: the split decoder of ${manifest.name} cannot be used, the unsplit decoder serves instead: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }

  /**
   * Runs `use` on the slice kept on the service when the service decodes its boxes: grey images, the service
   * as the active encoder, no embedding of the slice here already (decoding here then costs no wire). Null when
   * the browser decodes, also after the service failed under "auto" (the caller's usual path then follows).
   */
  private async onService<T>(
    model: LoadedModel,
    image: SourceImage,
    ref: ImageRef,
    normalization: NormalizationSpec,
    report: Report,
    signal: AbortSignal | undefined,
    use: (key: string, kept: KeptEmbedding, hit: boolean) => Promise<T>,
  ): Promise<T | null> {
    const d = model.decoding;
    if (!d.active || image.samplesPerPixel !== 1 || model.router.status().active !== 'service') return null;
    if (signal?.aborted) throw cancelled();
    const key = embeddingKey(model.info.embeddingIdentity ?? model.info.identity, ref, normalization);
    if (await this.cache?.get(key)) return null;
    try {
      const hit = d.get(key);
      return await use(key, hit ?? (await d.keep(key, image, normalization, signal, report)), hit !== undefined);
    } catch (e) {
      this.serviceDecoderFailed(model, e, signal);
      return null;
    }
  }

  /** "service" fails the request in plain words; "auto" decodes in the browser from now on (until the next load). */
  private serviceDecoderFailed(model: LoadedModel, e: unknown, signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw cancelled();
    if (model.decoding.required) throw serviceError(e, signal);
    console.warn(`MedSAM: the embedding service's decoder failed, boxes are decoded in the browser from now on: ${e instanceof Error ? e.message : String(e)}`);
    model.decoding.stop();
  }

  /** The panel's "ready" slices: embeddings here and slices kept on the service. */
  private reportKeys(): void {
    this.events.cacheKeys?.([...(this.cache?.keys() ?? []), ...(this.model?.decoding.keys() ?? [])]);
  }

  private loaded(): LoadedModel {
    if (!this.model) throw new MedSamError('MODEL_UNAVAILABLE', 'no model is loaded yet');
    return this.model;
  }

  private async embedding(model: LoadedModel, image: SourceImage, ref: ImageRef, normalization: NormalizationSpec, report: Report, signal?: AbortSignal) {
    if (signal?.aborted) throw cancelled();
    const key = embeddingKey(model.info.embeddingIdentity ?? model.info.identity, ref, normalization);
    const cached = await this.cache?.get(key);
    if (cached) return { key, entry: cached, hit: true, fallback: undefined };
    // Embeddings run in a lane of their own (requestLanes.ts): a box on an image whose embedding is being
    // computed waits for that computation instead of running the encoder a second time.
    const running = this.computing.get(key);
    if (running) {
      try {
        return { key, ...(await running), hit: false };
      } catch (e) {
        if (signal?.aborted) throw e;
        // The other request failed or was cancelled: this one computes for itself.
      }
    }
    const computed = model.router.embed(image, normalization, signal, report).then(({ fallback, ...entry }) => {
      this.cache?.put(key, entry);
      return { entry: entry as ComputedEmbedding, fallback };
    });
    this.computing.set(key, computed);
    try {
      return { key, ...(await computed), hit: false };
    } finally {
      if (this.computing.get(key) === computed) this.computing.delete(key);
    }
  }

  /** A new model or backend keeps the cache: its keys name the embedding's model (see embeddingKey.ts). */
  private async ensureCache(settings: WorkerSettings): Promise<void> {
    const wanted = JSON.stringify([settings.embeddingCacheBytes, settings.persistentCacheBytes ?? 0]);
    if (this.cache && this.cacheSettings === wanted) return;
    const store = await openPersistentStore(settings.persistentCacheBytes ?? 0);
    this.cache = new EmbeddingCache(settings.embeddingCacheBytes, store, () => this.reportKeys());
    this.cacheSettings = wanted;
    this.events.cacheKeys?.([]);
  }

  private async release(): Promise<void> {
    const model = this.model;
    this.model = null;
    if (model) await model.release();
  }
}

async function fetchJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new MedSamError('MODEL_UNAVAILABLE', `cannot fetch the model manifest ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!response.ok) throw new MedSamError('MODEL_UNAVAILABLE', `the model manifest ${url} answered HTTP ${response.status} ${response.statusText}`);
  try {
    return await response.json();
  } catch {
    throw new MedSamError('BAD_MANIFEST', `the model manifest ${url} is not valid JSON`);
  }
}
