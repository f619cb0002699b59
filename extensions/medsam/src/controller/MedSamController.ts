import { checkBox, describeNormalization, type SourceImage } from '@medsam-ohif/core';
import type { BackendName, EncoderBackend } from '../config';
import { PANEL_ID } from '../id';
import { mosaicWarningFor } from '../image/mosaicCheck';
import { areaMm2 } from '../image/toSourceImage';
import type { NormalizationPolicy } from '../image/normalizationPolicy';
import type { InferenceClient } from '../inference/InferenceClient';
import { recordAccept, undoLastAccept } from '../segmentation/history';
import { labelmapEditor, type LabelmapEdit } from '../segmentation/LabelmapEditor';
import { overlapsUnder } from '../segmentation/overlap';
import { giveSegmentOwnLayer, keepsOverlap } from '../segmentation/ownLayer';
import { PREVIEW_LABEL, showPreviewColour } from '../segmentation/previewColour';
import type { SegmentationTargets } from '../segmentation/segmentationTarget';
import type { BoxCompleted } from '../tools/MedSamBoxTool';
import { decoderRunOf } from '../store/decoderRun';
import type { Services, Subscription } from '../types/ohif';
import { avoidSegmentStatsRace } from '../host/segmentStatsRace';
import { measured } from '../utils/mainThreadMeasure';
import { toPlainError } from '../utils/plainError';
import type { ImageRef, Progress, SegmentResult } from '../worker/protocol';
import type { LiveFinish } from './LiveMask';
import type { SegmentOverlap } from '../segmentation/overlap';
import { displaySetFor } from './embeddingInput';
import { afterPaint, WaitClock } from './waitClock';
import type { ModelLoader } from './ModelLoader';
import type { MedSamState, ResultPhase, ResultView } from './state';
import type { Store } from './Store';
import type { UnsavedChanges } from '../session/UnsavedChanges';

/** The voxel value of a preview: shown in its own colour until accepted into a real segment. */

interface Preview {
  readonly edit: LabelmapEdit;
  readonly mask: Uint8Array;
  readonly imageId: string;
  readonly viewportId: string;
  readonly segmentationId: string;
  /** The segmentation was made for this preview: discarding the preview removes it again. */
  readonly createdSegmentation: boolean;
}

export interface ControllerDeps {
  readonly services: Services;
  readonly store: Store<MedSamState>;
  readonly model: ModelLoader;
  readonly client: InferenceClient;
  readonly policy: NormalizationPolicy;
  readonly targets: SegmentationTargets;
  readonly readImage: (imageId: string) => Promise<{ image: SourceImage; ref: ImageRef }>;
  /** What has not been saved yet: every accept and undo/redo of one marks its segment. */
  readonly unsaved: UnsavedChanges;
  /** Embeddings computed around the shown slice while the tool is active (prefetch/). */
  readonly background?: { start(): void; stop(): void };
  /** The mask that followed the box while it was dragged (LiveMask.ts): its decode of the final box, if any. */
  readonly live?: { finish(box: BoxCompleted): LiveFinish<LabelmapEdit> | null };
}

/**
 * The MedSAM interaction: box → (worker) mask → preview in the labelmap → accept into a segment or discard.
 * It only orchestrates; pixels, inference, labelmap writes and history live in their own modules.
 */
export class MedSamController {
  private preview: Preview | null = null;
  private job = 0;
  private subscriptions: Subscription[] = [];

  constructor(private readonly deps: ControllerDeps) {}

  get store(): Store<MedSamState> {
    return this.deps.store;
  }

  onModeEnter(): void {
    const { segmentationService, viewportGridService, customizationService } = this.deps.services;
    avoidSegmentStatsRace(customizationService);
    const refresh = () => this.refreshTarget();
    const events = [segmentationService.EVENTS.SEGMENTATION_MODIFIED, segmentationService.EVENTS.SEGMENTATION_REPRESENTATION_MODIFIED, segmentationService.EVENTS.SEGMENTATION_REMOVED];
    this.subscriptions = [
      ...events.filter(Boolean).map((e) => segmentationService.subscribe(e, refresh)),
      viewportGridService.subscribe(viewportGridService.EVENTS.ACTIVE_VIEWPORT_ID_CHANGED, refresh),
    ];
    this.deps.background?.start();
  }

  /** OHIF destroys all segmentations on mode exit: forget anything that points into them. */
  onModeExit(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
    this.subscriptions = [];
    this.deps.background?.stop();
    this.preview = null;
    this.job++;
    this.store.update({ job: { status: 'idle' }, target: null, result: null, error: null });
  }

  loadModel(): void {
    this.deps.model.preload();
  }

  setModel(manifestUrl: string): void {
    this.store.update({ manifestUrl, error: null });
    this.deps.model.invalidate();
    this.deps.model.preload();
  }

  setBackends(backends: readonly BackendName[]): void {
    this.store.update({ backends, error: null });
    this.deps.model.invalidate();
    this.deps.model.preload();
  }

  /** Where embeddings are computed: the browser, the inference service, or the service when it answers. */
  setEncoderBackend(encoderBackend: EncoderBackend): void {
    this.store.update({ encoderBackend, error: null });
    this.deps.model.invalidate();
    this.deps.model.preload();
  }

  /** A box from the tool (or the segmentBox command): segment it and show the result as a preview. */
  async segmentBox(box: BoxCompleted): Promise<void> {
    const job = ++this.job;
    const live = this.deps.live?.finish(box) ?? null; // erases the live drawing unless it shows this box
    // The final box's mask already on screen becomes the preview as it is: no erase and redraw (renders).
    const adopted = live?.onScreen ? this.adoptLiveDrawing(box, live.onScreen.drawing, live.onScreen.result.mask) : null;
    if (!adopted) this.discardPreview();
    // The wait the reader sees starts at mouse-up (the tool stamps it), not when this method runs.
    const startedAt = box.releasedAt ?? Date.now();
    const wait = new WaitClock(startedAt);
    // A result the user already decided on stays until replaced; an undecided one was just discarded above.
    this.store.update((s) => ({ error: null, job: { status: 'running', stage: 'reading', startedAt }, result: s.result?.phase === 'accepted' ? s.result : null }));
    try {
      const displaySet = displaySetFor(this.deps.services, box.viewportId, box.imageId);
      const { image, ref } = await this.deps.readImage(box.imageId);
      checkBox(box.box, image.rows, image.columns); // a bad box fails here, before anything changes
      const normalization = await this.deps.policy.specFor(image, { key: displaySet.displaySetInstanceUID, imageIds: displaySet.imageIds ?? [box.imageId] });
      wait.lap('read');
      if (this.store.getState().model.status !== 'ready') this.store.update({ job: { status: 'running', stage: 'model', startedAt } });
      await this.deps.model.ensure();
      wait.lap('modelWait');
      const segment = () => this.deps.client.segment({ image, imageRef: ref, normalization, box: box.box }, (p) => this.onJobProgress(job, startedAt, p));
      const result = live ? await live.result.catch(segment) : await segment();
      if (job !== this.job) return; // a newer box superseded this one
      wait.lap('inference');
      this.store.update({ job: { status: 'running', stage: 'writing', startedAt } });
      const { segmentationId, created } = await this.deps.targets.ensure(box.viewportId, displaySet, box.imageId);
      measured('preview', () => this.showPreview(box, result, { segmentationId, created }, image, wait.elapsed(), adopted));
      if (created) this.deps.services.panelService.activatePanel(PANEL_ID, true);
      // "Time" is mouse-up → preview on screen: taken once the browser has painted the preview.
      await afterPaint();
      wait.lap('draw');
      if (job === this.job) this.store.update((s) => ({ result: s.result && { ...s.result, totalMs: wait.elapsed(), wait: wait.laps() } }));
    } catch (e) {
      if (job !== this.job) return;
      if (adopted) this.discardPreview(); // no result to show for the mask on screen
      this.store.update({ job: { status: 'idle' }, error: toPlainError(e) });
    }
  }

  /**
   * Makes the live drawing of the final box the preview, in place. The labelmap is briefly put back (without
   * a render) so the old preview goes from under it and the overlaps are counted without either; the mask is
   * then written again, rendered only if the old preview's removal changed what is on screen. → the overlaps,
   * or null when the drawing cannot stay (the old preview's removal takes its segmentation with it).
   */
  private adoptLiveDrawing(box: BoxCompleted, drawing: LabelmapEdit, mask: Uint8Array): { overlaps: SegmentOverlap[] } | null {
    const { segmentationId } = drawing;
    const old = this.preview;
    try {
      labelmapEditor.revert(drawing, { notify: false });
      if (old?.createdSegmentation && old.segmentationId === segmentationId) return null;
      this.discardPreview({ notify: old?.segmentationId !== segmentationId });
      const overlaps = this.overlapsFor(segmentationId, box.imageId, mask);
      const edit = labelmapEditor.write(segmentationId, this.deps.targets.previewSegment(segmentationId), box.imageId, mask, PREVIEW_LABEL, { notify: old?.segmentationId === segmentationId });
      this.preview = { edit, mask, imageId: box.imageId, viewportId: box.viewportId, segmentationId, createdSegmentation: false };
      return { overlaps };
    } catch {
      labelmapEditor.redraw(segmentationId); // show the labelmap as it now is; the normal path draws the preview
      return null;
    }
  }

  /** Which other segments a mask covers, counted before the preview is drawn over them. */
  private overlapsFor(segmentationId: string, imageId: string, mask: Uint8Array): SegmentOverlap[] {
    const segments = this.deps.services.segmentationService.getSegmentation(segmentationId)?.segments ?? {};
    const indices = Object.values(segments).flatMap((s) => (s ? [s.segmentIndex] : []));
    return overlapsUnder(mask, labelmapEditor.segmentSlices(segmentationId, indices, imageId), (index) => segments[index]?.label);
  }

  /**
   * Enter: the preview goes into the active segment (or a new one, when asked or when none is active). Where it
   * covers other segments, both stay whole (the segment gets a labelmap layer of its own) unless `replace` asks
   * to take those voxels from them, or the host's cornerstone holds one segment per voxel.
   */
  accept(options: { newSegment?: boolean; replace?: boolean } = {}): void {
    measured('accept', () => this.acceptPreview(options));
  }

  private acceptPreview(options: { newSegment?: boolean; replace?: boolean }): void {
    const preview = this.preview;
    if (!preview) return;
    this.preview = null;
    try {
      labelmapEditor.revert(preview.edit, { notify: false }); // the write below redraws
      const { segmentationId, imageId, mask } = preview;
      const segment = this.deps.targets.segmentForAccept(segmentationId, options.newSegment === true);
      const covered = labelmapEditor.othersUnder(segmentationId, segment.segmentIndex, imageId, mask);
      const overlap = covered === 0 ? 'none' : options.replace === true || !keepsOverlap(segmentationId) ? 'replaced' : 'kept';
      if (overlap === 'kept') giveSegmentOwnLayer(segmentationId, segment.segmentIndex);
      const edit = labelmapEditor.write(segmentationId, segment.segmentIndex, imageId, mask);
      this.deps.unsaved.mark(preview.segmentationId, segment.segmentIndex);
      recordAccept(edit, (undone) => {
        this.deps.unsaved.mark(preview.segmentationId, segment.segmentIndex);
        this.setPhase(undone ? 'undone' : 'accepted');
      });
      this.store.update((s) => ({
        result: s.result && { ...s.result, phase: 'accepted', segmentIndex: segment.segmentIndex, segmentLabel: segment.label, overlap },
        target: this.deps.targets.view(preview.segmentationId),
      }));
    } catch (e) {
      labelmapEditor.redraw(preview.segmentationId); // the preview is gone from the voxels: show it
      this.store.update({ error: toPlainError(e) });
    }
  }

  /** Esc: the preview disappears and the labelmap is as before. No-op without a preview. */
  reject(): void {
    if (measured('discard', () => this.discardPreview())) this.setPhase('discarded');
  }

  /** Discards a preview and forgets the last result and error (the panel's "Clear"). */
  clear(): void {
    this.discardPreview();
    this.job++;
    this.store.update({ job: { status: 'idle' }, result: null, error: null });
  }

  /** Undoes the last accept when it is the most recent edit in the viewer's history. */
  undo(): boolean {
    return undoLastAccept();
  }

  hasPreview(): boolean {
    return this.preview !== null;
  }

  /**
   * "Segment in 3D" (volume3d/) starts from this preview's box: the 2D preview gives way to the 3D one, its
   * voxels reverted and its segmentation handed over (removed with the 3D preview if it was made for it).
   */
  handOverPreview(): { segmentationId: string; createdSegmentation: boolean } | null {
    const preview = this.preview;
    if (!preview) return null;
    this.preview = null;
    labelmapEditor.revert(preview.edit);
    this.store.update({ result: null });
    return { segmentationId: preview.segmentationId, createdSegmentation: preview.createdSegmentation };
  }

  /** `adopted`: the preview is already drawn (the live mask of this box) and its overlaps counted. */
  private showPreview(box: BoxCompleted, result: SegmentResult, target: { segmentationId: string; created: boolean }, image: SourceImage, totalMs: number, adopted: { overlaps: SegmentOverlap[] } | null): void {
    const { segmentationId } = target;
    const inPlace = adopted && this.preview?.segmentationId === segmentationId && this.preview.mask === result.mask ? adopted : null;
    if (!inPlace) this.discardPreview(); // an adopted drawing elsewhere than the target (the active segmentation changed)
    const overlaps = inPlace ? inPlace.overlaps : this.overlapsFor(segmentationId, box.imageId, result.mask);
    if (!inPlace) {
      const edit = labelmapEditor.write(segmentationId, this.deps.targets.previewSegment(segmentationId), box.imageId, result.mask, PREVIEW_LABEL);
      this.preview = { edit, mask: result.mask, imageId: box.imageId, viewportId: box.viewportId, segmentationId, createdSegmentation: target.created };
    }
    const mosaic = mosaicWarningFor(box.imageId);
    const decoderRun = decoderRunOf([result.decoder], result.decoderFiles);
    showPreviewColour(box.viewportId, segmentationId);
    const view: ResultView = {
      phase: 'preview',
      imageId: box.imageId,
      box: result.box.box,
      boxClamped: result.box.clamped,
      areaPixels: result.summary.areaPixels,
      areaMm2: areaMm2(result.summary.areaPixels, image.pixelSpacing),
      normalization: describeNormalization(result.normalization),
      provenance: { modelIdentity: result.modelIdentity, normalization: result.normalization, ...(decoderRun ? { decoderRun } : {}) },
      embeddingCacheHit: result.embeddingCacheHit,
      ...(result.embeddingSource ? { embeddingSource: result.embeddingSource } : {}),
      ...(result.decoder ? { decoder: result.decoder } : {}),
      ...(result.fallback ? { fallback: result.fallback } : {}),
      ...(overlaps.length ? { overlaps } : {}),
      ...(mosaic ? { warnings: [mosaic] } : {}),
      timings: result.timings,
      totalMs,
      segmentationId,
      segmentIndex: null,
      segmentLabel: null,
    };
    this.store.update({ job: { status: 'idle' }, result: view, target: this.deps.targets.view(segmentationId) });
  }

  /** `notify: false` when a write into the same segmentation follows at once and redraws it. */
  private discardPreview({ notify = true }: { notify?: boolean } = {}): boolean {
    const preview = this.preview;
    if (!preview) return false;
    this.preview = null;
    try {
      if (preview.createdSegmentation) this.deps.services.segmentationService.remove(preview.segmentationId);
      else labelmapEditor.revert(preview.edit, { notify });
    } catch {
      // the segmentation is gone (e.g. deleted in OHIF's panel): nothing left to restore
    }
    return true;
  }

  private setPhase(phase: ResultPhase): void {
    this.store.update((s) => ({ result: s.result && { ...s.result, phase } }));
  }

  private onJobProgress(job: number, startedAt: number, p: Progress): void {
    if (job === this.job && p.kind === 'stage') this.store.update({ job: { status: 'running', stage: p.stage, startedAt } });
  }

  private refreshTarget(): void {
    const { segmentationService, viewportGridService } = this.deps.services;
    const viewportId = viewportGridService.getActiveViewportId();
    const active = viewportId ? segmentationService.getActiveSegmentation(viewportId) : null;
    this.store.update({ target: this.deps.targets.view(active?.segmentationId ?? null) });
  }
}
