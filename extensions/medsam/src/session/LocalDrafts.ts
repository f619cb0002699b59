import { Store } from '../controller/Store';
import type { Services, Subscription } from '../types/ohif';
import type { KeyValueStore } from '../utils/idbStore';
import type { PlainError } from '../utils/plainError';
import { draftBytes, draftKey, isDraft, studyOfKey, type SegmentationDraft } from './draftCodec';
import { readDraft, type SegmentDetails } from './draftFromViewer';
import { restoreDraft, seriesDisplaySet } from './draftRestore';
import type { UnsavedChanges } from './UnsavedChanges';

/** A draft from an earlier visit that the panel offers back. */
export interface DraftOffer {
  readonly key: string;
  readonly updatedAt: number;
  readonly label: string;
  readonly segments: readonly { readonly segmentIndex: number; readonly label: string }[];
}

export interface DraftsState {
  readonly offers: readonly DraftOffer[];
  /** The offer being restored now. */
  readonly restoring: string | null;
  readonly error: PlainError | null;
  /** When this visit's work was last written as a draft. */
  readonly lastWrittenAt: number | null;
}

export interface LocalDraftsDeps {
  readonly services: Services;
  readonly unsaved: UnsavedChanges;
  readonly hasPreview: () => boolean;
  /** The panel's knowledge of a segment (type, provenance, colour), kept in the draft. */
  readonly details: (segmentationId: string, segmentIndex: number) => SegmentDetails;
  readonly restoreDetails: (segmentationId: string, segmentIndex: number, details: SegmentDetails) => void;
  readonly store: Promise<KeyValueStore<SegmentationDraft> | null>;
  /** Quiet time after an edit before the draft is written. */
  readonly delayMs?: number;
  /** Offers were found, or one was restored (the extension shows its panel: OHIF may have shown its own). */
  readonly showPanel?: () => void;
}

const restoreError = (e: unknown): PlainError => ({
  code: 'DRAFT_RESTORE',
  title: 'The unsaved segments could not be restored',
  detail: e instanceof Error ? e.message : String(e),
  advice: 'The draft is kept: try Restore again after the series has loaded, or Discard it.',
});

/**
 * The unsaved MedSAM segmentation kept as a local draft (IndexedDB) while the reader works, written after
 * each accept, undo and redo (debounced, read in short steps), removed once a save stored everything; and
 * drafts of an earlier visit offered back when their study is opened again.
 */
export class LocalDrafts {
  readonly state = new Store<DraftsState>({ offers: [], restoring: null, error: null, lastWrittenAt: null });
  /** Per segmentation: edits so far (a read that sees this change is stale), its pending timer and writes. */
  private readonly edits = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly chains = new Map<string, Promise<void>>();
  /** Per segmentation of this visit: the key its draft is under. */
  private readonly keyOf = new Map<string, string>();
  private subscriptions: (() => void)[] = [];
  private looking = 0;

  constructor(private readonly deps: LocalDraftsDeps) {}

  onModeEnter(): void {
    const { displaySetService } = this.deps.services;
    const added = displaySetService.EVENTS.DISPLAY_SETS_ADDED;
    const subscription: Subscription | null = added ? displaySetService.subscribe(added, () => void this.lookForDrafts()) : null;
    this.subscriptions = [this.deps.unsaved.onEdit((id) => this.schedule(id)), () => subscription?.unsubscribe()];
    void this.lookForDrafts();
  }

  /** The segmentations are gone with the mode; their drafts stay for the next visit. */
  onModeExit(): void {
    this.subscriptions.forEach((stop) => stop());
    this.subscriptions = [];
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
    this.keyOf.clear();
    this.looking++;
    this.state.update({ offers: [], restoring: null, error: null });
  }

  /** Resolves once every scheduled draft write has run (tests, and before leaving). */
  async settled(): Promise<void> {
    for (const id of [...this.timers.keys()]) this.runSoon(id);
    await Promise.all([...this.chains.values()]);
  }

  async restore(key: string): Promise<string | null> {
    if (this.state.getState().restoring) return null;
    this.state.update({ restoring: key, error: null });
    try {
      const store = await this.deps.store;
      const draft = await store?.get(key);
      if (!isDraft(draft)) throw new Error('the draft is no longer stored (restored or discarded in another tab?)');
      const segmentationId = await restoreDraft(draft, {
        services: this.deps.services,
        restoreDetails: this.deps.restoreDetails,
        markUnsaved: (id, index) => this.deps.unsaved.mark(id, index),
      });
      const restoredKey = draftKey({ ...draft, segmentationId });
      this.keyOf.set(segmentationId, restoredKey);
      if (restoredKey !== key) await store?.delete(key);
      this.state.update((s) => ({ offers: s.offers.filter((o) => o.key !== key), restoring: null }));
      this.deps.showPanel?.();
      return segmentationId;
    } catch (e) {
      this.state.update({ restoring: null, error: restoreError(e) });
      return null;
    }
  }

  async discard(key: string): Promise<void> {
    const store = await this.deps.store;
    await store?.delete(key);
    this.state.update((s) => ({ offers: s.offers.filter((o) => o.key !== key), error: null }));
  }

  private schedule(segmentationId: string): void {
    this.edits.set(segmentationId, (this.edits.get(segmentationId) ?? 0) + 1);
    clearTimeout(this.timers.get(segmentationId));
    this.timers.set(
      segmentationId,
      setTimeout(() => this.runSoon(segmentationId), this.deps.delayMs ?? 400),
    );
  }

  /** Writes of one segmentation run one after another. */
  private runSoon(segmentationId: string): void {
    clearTimeout(this.timers.get(segmentationId));
    this.timers.delete(segmentationId);
    const previous = this.chains.get(segmentationId) ?? Promise.resolve();
    const next = previous.then(() => this.write(segmentationId)).catch((e) => console.warn(`MedSAM: the local draft of ${segmentationId} was not written:`, e));
    this.chains.set(segmentationId, next);
  }

  private async write(segmentationId: string): Promise<void> {
    const store = await this.deps.store;
    if (!store) return;
    const edit = this.edits.get(segmentationId);
    const current = () => this.edits.get(segmentationId) === edit && !this.deps.hasPreview();
    const known = this.keyOf.get(segmentationId);
    // Gone with the mode (OHIF destroys segmentations on exit): its draft is what the next visit restores.
    const exists = () => !!this.deps.services.segmentationService.getSegmentation(segmentationId);
    if (!exists()) return;
    if (this.deps.unsaved.changedSegments(segmentationId).length === 0) {
      // saved: nothing left that only the draft holds
      if (known) await store.delete(known);
      this.keyOf.delete(segmentationId);
      return;
    }
    // A preview overwrites accepted voxels until it is decided: read after it.
    if (this.deps.hasPreview()) return this.retryLater(segmentationId);
    const draft = await readDraft(segmentationId, { displaySetService: this.deps.services.displaySetService, details: this.deps.details, stillCurrent: current });
    if (this.edits.get(segmentationId) !== edit) return; // a newer edit has its own write scheduled
    if (this.deps.hasPreview()) return this.retryLater(segmentationId);
    if (!draft) {
      if (!exists()) return;
      if (known) await store.delete(known); // every voxel undone
      this.keyOf.delete(segmentationId);
      return;
    }
    const key = draftKey(draft);
    if (known && known !== key) await store.delete(known);
    this.keyOf.set(segmentationId, key);
    await store.put(key, draft, draftBytes(draft));
    this.state.update({ lastWrittenAt: draft.updatedAt });
  }

  private retryLater(segmentationId: string): void {
    if (!this.timers.has(segmentationId)) this.timers.set(segmentationId, setTimeout(() => this.runSoon(segmentationId), this.deps.delayMs ?? 400));
  }

  /** Drafts of the open studies, of series that are loaded, that are not this visit's own work. */
  private async lookForDrafts(): Promise<void> {
    const call = ++this.looking;
    const store = await this.deps.store;
    if (!store) return;
    const { services } = this.deps;
    const studies = new Set(services.displaySetService.getActiveDisplaySets().map((d) => d.StudyInstanceUID));
    const own = new Set(this.keyOf.values());
    const offers: DraftOffer[] = [];
    for (const key of await store.keys()) {
      if (!studies.has(studyOfKey(key)) || own.has(key)) continue;
      const draft = await store.get(key);
      if (!isDraft(draft)) {
        await store.delete(key); // written by an older version: it cannot be restored
        continue;
      }
      if (!seriesDisplaySet(services, draft.seriesInstanceUID) || services.segmentationService.getSegmentation(draft.segmentationId)) continue;
      offers.push({ key, updatedAt: draft.updatedAt, label: draft.label, segments: draft.segments.map((s) => ({ segmentIndex: s.segmentIndex, label: s.label })) });
    }
    if (call !== this.looking) return; // the mode was left, or a newer look is under way
    offers.sort((a, b) => b.updatedAt - a.updatedAt);
    const before = this.state.getState().offers.map((o) => o.key).join();
    this.state.update({ offers });
    if (offers.length && offers.map((o) => o.key).join() !== before) this.deps.showPanel?.();
  }
}
