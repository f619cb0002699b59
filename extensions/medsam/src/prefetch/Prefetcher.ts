import type { Store } from '../controller/Store';
import type { EmbeddingInput } from '../controller/embeddingInput';
import type { MedSamState, PrefetchView } from '../controller/state';
import type { InferenceClient } from '../inference/InferenceClient';
import { toPlainError } from '../utils/plainError';
import type { ViewportSlices } from './viewportSlices';
import { planSlices } from './planSlices';
import { listOrder, type SliceNumbering } from '../volume3d/sliceNumbers';
import { PrefetchQueue, type PrefetchTask } from './PrefetchQueue';

export interface PrefetcherDeps {
  readonly store: Store<MedSamState>;
  readonly client: Pick<InferenceClient, 'embed' | 'listen'>;
  readonly slices: number;
  /** The viewport to work for: the active one, when the MedSAM tool is its active primary tool. */
  readonly activeViewport: () => string | null;
  readonly slicesOf: (viewportId: string) => (Pick<ViewportSlices, 'imageIds' | 'current'> & Partial<Pick<ViewportSlices, 'numbering'>>) | null;
  readonly input: (viewportId: string, imageId: string) => Promise<Pick<EmbeddingInput, 'image' | 'ref' | 'normalization'>>;
  /** Coalesces a burst of scroll events into one plan. */
  readonly debounceMs?: number;
}

interface Target {
  readonly viewportId: string;
  readonly imageIds: readonly string[];
  readonly current: number;
  readonly numbering: SliceNumbering;
}

const isCancelled = (e: unknown) => (e as { code?: unknown } | null)?.code === 'CANCELLED';

/**
 * Embeddings where the user is: while the MedSAM tool is active, the shown slice and `slices` on each side
 * are embedded in the background, nearest first; moving to another slice replans and cancels what is no
 * longer near. What is ready comes from the worker's own cache report, so an evicted slice shows as not ready.
 */
export class Prefetcher {
  /** imageId → cache key, learnt from the worker's answers (keys are computed where the model is). */
  private readonly keyOf = new Map<string, string>();
  private cached = new Set<string>();
  private target: Target | null = null;
  private error: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private unlisten: (() => void) | null = null;
  private readonly queue = new PrefetchQueue(() => this.publish());

  constructor(private readonly deps: PrefetcherDeps) {}

  start(): void {
    this.unlisten ??= this.deps.client.listen({
      cacheKeys: (keys) => {
        this.cached = new Set(keys);
        this.publish();
      },
    });
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.stop();
    this.target = null;
    this.deps.store.update({ prefetch: null });
  }

  /** Something changed (slice, tool, viewport, model): plan again shortly. */
  refresh(): void {
    if (!this.unlisten) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.plan();
    }, this.deps.debounceMs ?? 100);
  }

  /** Plans now (tests call it directly). */
  plan(): void {
    const viewportId = this.deps.store.getState().model.status === 'ready' ? this.deps.activeViewport() : null;
    const slices = viewportId ? this.deps.slicesOf(viewportId) : null;
    if (!viewportId || !slices) {
      this.target = null;
      this.queue.stop();
      return;
    }
    if (this.target?.imageIds !== slices.imageIds) this.error = null;
    this.target = { viewportId, ...slices, numbering: slices.numbering ?? listOrder(slices.imageIds.length) };
    const wanted = planSlices(slices.current, slices.imageIds.length, this.deps.slices).map((p) => slices.imageIds[p]);
    this.queue.want(wanted.filter((id) => !this.isReady(id)).map((id) => this.task(viewportId, id)));
  }

  private task(viewportId: string, imageId: string): PrefetchTask {
    return {
      id: imageId,
      run: async (signal) => {
        try {
          const { image, ref, normalization } = await this.deps.input(viewportId, imageId);
          if (signal.aborted) return;
          const result = await this.deps.client.embed({ image, imageRef: ref, normalization }, signal);
          this.keyOf.set(imageId, result.key);
          this.error = null;
        } catch (e) {
          if (!isCancelled(e) && !signal.aborted) this.error = toPlainError(e).detail;
          throw e;
        } finally {
          this.publish();
        }
      },
    };
  }

  private isReady(imageId: string): boolean {
    const key = this.keyOf.get(imageId);
    return key !== undefined && this.cached.has(key);
  }

  private publish(): void {
    const t = this.target;
    if (!t) {
      this.deps.store.update({ prefetch: null });
      return;
    }
    const position = new Map(t.imageIds.map((id, i) => [id, i]));
    const view: PrefetchView = {
      viewportId: t.viewportId,
      total: t.imageIds.length,
      current: t.current,
      numbering: t.numbering,
      ready: t.imageIds.flatMap((id, i) => (this.isReady(id) ? [i] : [])),
      pending: this.queue.pending().flatMap((id) => (position.has(id) ? [position.get(id)!] : [])),
      error: this.error,
    };
    this.deps.store.update({ prefetch: view });
  }
}
