import { segmentation as csSegmentation } from '@cornerstonejs/tools';
import type { MedSamState } from '../controller/state';
import { Store } from '../controller/Store';
import { buildSegmentation, newUid, type SegFrameMask, type SegmentTargetKey } from '../seg';
import type { ExtensionManager, Services } from '../types/ohif';
import { readSegmentLayers } from './labelmapLayers';
import { mergeLabels } from './mergeLabels';
import { pacsTarget } from './pacsTarget';
import type { UnsavedChanges } from '../session/UnsavedChanges';
import type { ProvenanceLog } from './provenance';
import type { SaveConfig } from './saveConfig';
import { SaveError, toSavePlainError } from './saveErrors';
import { initialSaveState, targetKey, type SavedSeg, type SaveOutcome, type SaveStage, type SaveState } from './saveState';
import { loText, segmentInputs } from './segmentInputs';
import { nameForTarget } from './segmentName';
import { sourceSeries } from './sourceSeries';
import { SaveVersions } from './versions';

export interface SegSaverDeps {
  readonly services: Services;
  readonly extensionManager: ExtensionManager;
  readonly medsam: Store<MedSamState>;
  readonly hasPreview: () => boolean;
  /** Cleared for a segmentation once it is stored (the save holds every segment there is). */
  readonly unsaved: UnsavedChanges;
  readonly provenance: ProvenanceLog;
  readonly config: SaveConfig;
}

export interface SaveRequest {
  /** Default: the active viewport's active segmentation (the one MedSAM writes into). */
  readonly segmentationId?: string;
  /** Per viewer segment index: what it is (overrides the panel's choice). */
  readonly targets?: Readonly<Record<number, SegmentTargetKey>>;
}

/** Lets the panel paint the stage before the main thread is busy encoding. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * "Save to PACS": the segmentation's labelmap → one DICOM-SEG → the study's data source. Nothing in the
 * viewer changes, whatever happens: the labelmap is only read. Versioning (retries, changes) is SaveVersions'.
 */
export class SegSaver {
  readonly state = new Store<SaveState>(initialSaveState);
  private readonly versions = new SaveVersions();

  constructor(private readonly deps: SegSaverDeps) {}

  /** What has changed since the last save (the panel shows it). */
  get unsaved(): UnsavedChanges {
    return this.deps.unsaved;
  }

  /** Which segments MedSAM made, with what (local drafts keep and restore it). */
  get provenance(): ProvenanceLog {
    return this.deps.provenance;
  }

  /** What a segment is; it also names the segment ("Liver") unless the reader renamed it. */
  setTarget(segmentationId: string, segmentIndex: number, target: SegmentTargetKey): void {
    const key = targetKey(segmentationId, segmentIndex);
    const previous = this.state.getState().targets[key];
    this.state.update((s) => ({ targets: { ...s.targets, [key]: target } }));
    const service = this.deps.services.segmentationService;
    const label = service.getSegmentation(segmentationId)?.segments[segmentIndex]?.label ?? '';
    const name = nameForTarget(label, segmentIndex, previous, target);
    if (name && service.setSegmentLabel) service.setSegmentLabel(segmentationId, segmentIndex, name);
  }

  /** The segments the panel lists (label and index), in index order. */
  segmentList(segmentationId: string): { segmentIndex: number; label: string }[] {
    const segmentation = this.deps.services.segmentationService.getSegmentation(segmentationId);
    return Object.values(segmentation?.segments ?? {})
      .filter((s) => !!s)
      .map((s) => ({ segmentIndex: s.segmentIndex, label: s.label }))
      .sort((a, b) => a.segmentIndex - b.segmentIndex);
  }

  /** Calls back when segments are added, renamed or removed (the panel's list follows). */
  onSegmentationsChanged(callback: () => void): () => void {
    const service = this.deps.services.segmentationService;
    const events = [service.EVENTS.SEGMENTATION_ADDED, service.EVENTS.SEGMENTATION_MODIFIED, service.EVENTS.SEGMENTATION_REMOVED].filter(Boolean);
    const subscriptions = events.map((e) => service.subscribe(e, callback));
    return () => subscriptions.forEach((s) => s.unsubscribe());
  }

  /** The segmentation a save without arguments stores. */
  activeSegmentationId(): string | null {
    const { segmentationService, viewportGridService } = this.deps.services;
    const viewportId = viewportGridService.getActiveViewportId();
    const active = viewportId ? segmentationService.getActiveSegmentation(viewportId) : null;
    return active?.segmentationId ?? this.deps.medsam.getState().target?.segmentationId ?? null;
  }

  /** Never rejects: the outcome says what happened (and the panel shows it). */
  async save(request: SaveRequest = {}): Promise<SaveOutcome> {
    if (this.state.getState().status === 'saving') return { ok: false, error: toSavePlainError(new SaveError('SAVE_BUSY', 'a save is running')), segmentationId: null };
    const startedAt = Date.now();
    const segmentationId = request.segmentationId ?? this.activeSegmentationId();
    this.state.update({ status: 'saving', stage: 'collecting', startedAt });
    let outcome: SaveOutcome;
    try {
      if (!segmentationId) throw new SaveError('NO_SEGMENTATION', 'no active segmentation');
      if (request.targets) for (const [index, target] of Object.entries(request.targets)) this.setTarget(segmentationId, Number(index), target);
      const changed = this.deps.unsaved.changedSegments(segmentationId);
      outcome = { ok: true, ...(await this.store(segmentationId, startedAt)) };
      this.deps.unsaved.saved(segmentationId, changed);
    } catch (e) {
      outcome = { ok: false, error: toSavePlainError(e), segmentationId };
    }
    this.state.update({ status: outcome.ok ? 'saved' : 'failed', stage: null, last: outcome });
    return outcome;
  }

  private setStage(stage: SaveStage): Promise<void> {
    this.state.update({ stage });
    return nextTask();
  }

  private async store(segmentationId: string, startedAt: number): Promise<SavedSeg> {
    const { services, extensionManager, config } = this.deps;
    // A preview overwrites accepted voxels until it is decided: saving now would lose them.
    if (this.deps.hasPreview()) throw new SaveError('PREVIEW_PENDING', 'a MedSAM preview is open');
    const segmentation = csSegmentation.state.getSegmentation(segmentationId);
    if (!segmentation) throw new SaveError('NO_SEGMENTATION', `segmentation ${segmentationId} does not exist`);
    const destination = pacsTarget(extensionManager, services, config.timeoutMs);
    await this.setStage('collecting');

    const layers = readSegmentLayers(segmentationId);
    const imageIds = [...new Set(layers.flatMap((l) => l.slices.map((s) => s.sourceImageId)))];
    const series = sourceSeries(services.displaySetService, imageIds);
    const { Rows, Columns } = series.sources[0];
    const merged = mergeLabels(layers, Rows * Columns);
    if (merged.numbering.size === 0) throw new SaveError('EMPTY', 'no segment has a single voxel');
    if (merged.overlapping && config.sopClass === 'labelmap') throw new SaveError('OVERLAP', 'segments overlap and this viewer saves Label Map SEGs');
    const viewportId = services.viewportGridService.getActiveViewportId();
    const segments = segmentInputs({
      segmentation,
      numbering: merged.numbering,
      targets: this.state.getState().targets,
      provenance: this.deps.provenance,
      colorOf: (index) => (viewportId ? services.segmentationService.getSegmentColor?.(viewportId, segmentationId, index) : undefined),
    });
    const frames: SegFrameMask[] = [...merged.frames].map(([imageId, f]) => ({ ...series.frameOf(imageId), labels: f.labels, overlapLayers: f.overlapLayers }));
    const seriesDescription = loText(segmentation.label) || 'MedSAM segmentation';
    const identity = this.versions.series(segmentationId, () => ({ seriesInstanceUID: newUid(), seriesNumber: this.nextSeriesNumber() }));

    await this.setStage('encoding');
    const { attempt, repeated } = this.versions.next(segmentationId, (instance) =>
      buildSegmentation({
        sources: series.sources,
        segments,
        frames,
        options: {
          sopClass: config.sopClass,
          seriesInstanceUID: identity.seriesInstanceUID,
          seriesNumber: identity.seriesNumber,
          seriesDescription,
          sopInstanceUID: instance.sopInstanceUID,
          instanceNumber: instance.instanceNumber,
          contentDateTime: instance.contentDateTime,
        },
      }),
    );

    await this.setStage('sending');
    const stored = await destination.store(attempt.bytes, attempt.sopInstanceUID);
    return {
      segmentationId,
      studyInstanceUID: series.sources[0].StudyInstanceUID,
      seriesInstanceUID: identity.seriesInstanceUID,
      sopInstanceUID: attempt.sopInstanceUID,
      seriesNumber: identity.seriesNumber,
      instanceNumber: attempt.instanceNumber,
      seriesDescription,
      sopClass: config.sopClass,
      segments: segments.map((s) => ({
        segmentIndex: [...merged.numbering].find(([, n]) => n === s.segmentNumber)![0],
        segmentNumber: s.segmentNumber,
        label: s.label,
        algorithmType: s.algorithm ? 'SEMIAUTOMATIC' : 'MANUAL',
      })),
      emptySegments: merged.empty,
      frames: frames.length,
      bytes: attempt.bytes.length,
      repeated,
      destination: destination.description,
      ...(stored.warning ? { warning: stored.warning } : {}),
      ms: Date.now() - startedAt,
    };
  }

  /** Above OHIF's SEG range start, every SEG series in the open studies and every series saved here. */
  private nextSeriesNumber(): number {
    const numbers = this.deps.services.displaySetService
      .getActiveDisplaySets()
      .filter((d) => d.Modality === 'SEG')
      .map((d) => Number(d.SeriesNumber))
      .filter((n) => Number.isInteger(n));
    return Math.max(this.deps.config.seriesNumberBase, ...numbers, ...this.versions.seriesNumbers()) + 1;
  }
}
