import {
  checkBox,
  loadModelPart,
  MedSamError,
  modelIdentity,
  parseManifest,
  prepareImage,
  segmentBox,
  sessionEncoder,
  type ModelManifest,
  type ModelSession,
  type NormalizationRecord,
  type PreparedImage,
  type Tensor,
} from '@medsam-ohif/core';
import { LruByteCache } from '../utils/LruByteCache';
import { cachedFileSource } from './cachedFileSource';
import { embeddingKey } from './embeddingKey';
import { openOrtRuntime } from './ortRuntime';
import type { ModelInfo, Progress, SegmentRequest, SegmentResult, WorkerSettings } from './protocol';

type Report = (p: Progress) => void;

interface LoadedModel {
  readonly settingsKey: string;
  readonly manifest: ModelManifest;
  readonly encoder: ModelSession;
  readonly decoder: ModelSession;
  readonly info: ModelInfo;
}

/** What the decoder needs of an embedded image; kept with the embedding in the cache. */
interface CachedEmbedding {
  readonly embedding: Tensor;
  readonly prepared: Pick<PreparedImage, 'rows' | 'columns' | 'transform'>;
  readonly normalization: NormalizationRecord;
  readonly timings: Record<string, number>;
}

const now = () => performance.now();

/** The model, its two sessions and the embedding cache: everything that runs inside the worker. */
export class InferenceEngine {
  private model: LoadedModel | null = null;
  private cache: LruByteCache<CachedEmbedding> = new LruByteCache(0, () => 0);

  async load(settings: WorkerSettings, report: Report): Promise<ModelInfo> {
    const settingsKey = JSON.stringify(settings);
    if (this.model?.settingsKey === settingsKey) return this.model.info;
    await this.release();
    const t0 = now();
    report({ kind: 'stage', stage: 'manifest' });
    const manifest = parseManifest(await fetchJson(settings.manifestUrl));
    const runtime = await openOrtRuntime(settings);
    const source = cachedFileSource(settings.manifestUrl, manifest, settings.modelCacheName, (p) =>
      report({ kind: 'download', part: p.file === manifest.encoder.file ? 'encoder' : 'decoder', loadedBytes: p.loadedBytes, totalBytes: p.totalBytes, fromCache: p.fromCache }),
    );
    const stage = (p: { stage: string }) => {
      if (p.stage === 'verify' || p.stage === 'session') report({ kind: 'stage', stage: p.stage });
    };
    const open = async (part: 'encoder' | 'decoder') => {
      try {
        const session = await loadModelPart(manifest, part, source, runtime.backend, stage);
        await source.persist(manifest[part].file);
        return session;
      } catch (e) {
        if (e instanceof MedSamError && e.code === 'MODEL_HASH_MISMATCH') await source.forget(manifest[part].file);
        throw e;
      }
    };
    // The small decoder first: a broken manifest or runtime shows up before the long encoder download.
    const decoder = await open('decoder');
    let encoder: ModelSession;
    try {
      encoder = await open('encoder');
    } catch (e) {
      await decoder.release();
      throw e;
    }
    const identity = modelIdentity(manifest);
    const info: ModelInfo = {
      name: manifest.name,
      version: manifest.version,
      description: manifest.description,
      testModel: manifest.testModel,
      identity,
      backend: runtime.backend.name,
      threads: runtime.threads,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      loadMs: Math.round(now() - t0),
    };
    this.model = { settingsKey, manifest, encoder, decoder, info };
    this.cache = new LruByteCache(settings.embeddingCacheBytes, (e) => e.embedding.data.byteLength);
    return info;
  }

  async segment(request: SegmentRequest, report: Report): Promise<SegmentResult> {
    const model = this.model;
    if (!model) throw new MedSamError('MODEL_UNAVAILABLE', 'no model is loaded yet');
    const { image, box } = request;
    // A bad box is refused before seconds of encoding are spent on it.
    checkBox(box, image.rows, image.columns);
    const key = embeddingKey(model.info.identity, request.imageRef, request.normalization);
    let entry = this.cache.get(key);
    const hit = entry !== undefined;
    if (!entry) {
      report({ kind: 'stage', stage: 'normalize' });
      const prepared = prepareImage(image, model.manifest, request.normalization);
      report({ kind: 'stage', stage: 'encode' });
      const t0 = now();
      const embedding = await sessionEncoder(model.encoder, model.manifest).encode(prepared);
      entry = {
        embedding,
        prepared: { rows: prepared.rows, columns: prepared.columns, transform: prepared.transform },
        normalization: prepared.normalization,
        timings: { ...prepared.timings, encode: now() - t0 },
      };
      this.cache.set(key, entry);
    }
    report({ kind: 'stage', stage: 'decode' });
    const result = await segmentBox(model.decoder, model.manifest, entry.embedding, entry.prepared, box);
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
    };
  }

  clearCache(): void {
    this.cache.clear();
  }

  private async release(): Promise<void> {
    const model = this.model;
    this.model = null;
    this.cache.clear();
    if (model) await Promise.allSettled([model.encoder.release(), model.decoder.release()]);
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
