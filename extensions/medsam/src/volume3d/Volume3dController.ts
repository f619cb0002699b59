import { getEnabledElementByViewportId, metaData } from '@cornerstonejs/core';
import {
  checkBox,
  modelInputTransform,
  segmentBox3D,
  segmentFromKeySlices,
  segmentFromOneBox,
  type Box,
  type RunHooks,
  type SourceImage,
  type Vector3,
  type VolumeSegmentation,
} from '@medsam-ohif/core';
import { displaySetFor } from '../controller/embeddingInput';
import { PREVIEW_LABEL, showPreviewColour } from '../segmentation/previewColour';
import type { ModelLoader } from '../controller/ModelLoader';
import type { MedSamState } from '../controller/state';
import { Store } from '../controller/Store';
import type { NormalizationPolicy } from '../image/normalizationPolicy';
import type { InferenceClient } from '../inference/InferenceClient';
import { viewportSlices, type ViewportSlices } from '../prefetch/viewportSlices';
import type { SegAlgorithm } from '../seg';
import { recordAccept } from '../segmentation/history';
import { labelmapEditor, type LabelmapEdit } from '../segmentation/LabelmapEditor';
import { giveSegmentOwnLayer, keepsOverlap } from '../segmentation/ownLayer';
import type { SegmentationTargets } from '../segmentation/segmentationTarget';
import type { UnsavedChanges } from '../session/UnsavedChanges';
import { decoderRunOf } from '../store/decoderRun';
import type { Services } from '../types/ohif';
import { GlueError, toPlainError } from '../utils/plainError';
import type { DecodeResult, DecoderSource, ImageRef } from '../worker/protocol';
import { measureVolume, msLeft, stopInWords, type SlicePlane } from './describe';
import { imagesInWords, shownNumber } from './sliceNumbers';
import { SliceTimingLog } from './sliceTimings';
import { initialVolume3dState, type KeyBox, type Volume3dMode, type Volume3dPhase, type Volume3dResultView, type Volume3dState } from './state';
import { workerSliceModel } from './workerSliceModel';


export interface Volume3dDeps {
  readonly services: Services;
  /** The 2D flow's state: its last result gives the box "Segment in 3D" starts from. */
  readonly medsam: Store<MedSamState>;
  readonly model: ModelLoader;
  readonly client: InferenceClient;
  readonly policy: NormalizationPolicy;
  readonly targets: SegmentationTargets;
  readonly readImage: (imageId: string) => Promise<{ image: SourceImage; ref: ImageRef }>;
  readonly unsaved: UnsavedChanges;
  /** The open 2D preview gives way to the 3D one: its voxels reverted, its segmentation handed over. */
  readonly handOver2dPreview: () => { segmentationId: string; createdSegmentation: boolean } | null;
  /** Embeddings asked for ahead of the slice being decoded (medsam.volume3dLookahead). */
  readonly lookahead: number;
  /** What a saved SEG records about the segment (store/provenance.ts). */
  readonly recordProvenance: (segmentationId: string, segmentIndex: number, provenance: { algorithm: SegAlgorithm; normalization: NonNullable<Volume3dResultView['normalization']> }) => void;
}

interface SlicePreview {
  readonly slice: number;
  readonly imageId: string;
  readonly mask: Uint8Array;
  readonly edit: LabelmapEdit;
}

interface Preview3d {
  readonly segmentationId: string;
  /** The segmentation was made for this preview: discarding it removes it again. */
  readonly createdSegmentation: boolean;
  readonly slices: SlicePreview[];
}

/** A box the 2D flow segmented last (image pixels) and the image it was drawn on. */
interface LastBox {
  readonly imageId: string;
  readonly box: Box;
}

const lo = (s: string) => (s.length > 64 ? s.slice(0, 64) : s);

function planeOf(imageId: string): SlicePlane {
  const plane = metaData.get('imagePlaneModule', imageId) as { imagePositionPatient?: number[]; rowCosines?: number[]; columnCosines?: number[] } | undefined;
  const position = plane?.imagePositionPatient?.length === 3 ? (plane.imagePositionPatient as unknown as Vector3) : null;
  const orientation = plane?.rowCosines?.length === 3 && plane.columnCosines?.length === 3 ? [...plane.rowCosines, ...plane.columnCosines] : null;
  return { position, orientation };
}

/**
 * "Segment in 3D": from the last 2D box, MedSAM's 3D protocol (core/src/pipeline/volume) on the worker, slice
 * after slice into ONE preview over all its slices (value 255, as the 2D preview); Enter accepts every slice into
 * the target segment as one history entry, Esc drops them all, Cancel keeps the slices done as the preview.
 * With a first and last image marked it is MedSAM's 3D box (the range); without, one box and our stop rules.
 */
export class Volume3dController {
  readonly store = new Store<Volume3dState>(initialVolume3dState);
  private preview: Preview3d | null = null;
  private abort: AbortController | null = null;
  private job = 0;
  private lastBox: LastBox | null = null;
  private seenResult: MedSamState['result'] = null;

  constructor(private readonly deps: Volume3dDeps) {
    deps.medsam.subscribe(() => {
      const result = deps.medsam.getState().result;
      if (!result || result === this.seenResult) return;
      this.seenResult = result;
      this.lastBox = { imageId: result.imageId, box: result.box };
    });
  }

  hasPreview(): boolean {
    return this.preview !== null;
  }

  isRunning(): boolean {
    return this.store.getState().run.status === 'running';
  }

  /** Marks the active viewport's shown image as the range's first or last. */
  mark(which: 'first' | 'last'): void {
    try {
      const { viewportId, slices } = this.activeSlices();
      const imageId = slices.imageIds[slices.current];
      const displaySetUid = displaySetFor(this.deps.services, viewportId, imageId).displaySetInstanceUID;
      this.store.update((s) => {
        const kept = s.marks.displaySetUid === displaySetUid ? s.marks : { first: null, last: null };
        const number = shownNumber(slices.numbering, slices.current);
        return { error: null, marks: { ...kept, [which]: slices.current, [`${which}ImageId`]: imageId, [`${which}Number`]: number, displaySetUid } };
      });
    } catch (e) {
      this.store.update({ error: toPlainError(e) });
    }
  }

  clearMarks(): void {
    this.store.update({ marks: initialVolume3dState.marks });
  }

  isCollectingKeys(): boolean {
    return this.store.getState().keys.collecting;
  }

  /** Starts or ends collecting key-slice boxes (the boxes stay until cleared). */
  collectKeys(on: boolean = !this.isCollectingKeys()): void {
    this.store.update((s) => ({ error: null, keys: { ...s.keys, collecting: on } }));
  }

  /** A box drawn while collecting: the key box of its image (replacing an earlier one there). */
  addKeyBox(drawn: { viewportId: string; imageId: string; box: Box }): void {
    try {
      const viewport = getEnabledElementByViewportId(drawn.viewportId)?.viewport;
      const slices = viewportSlices(viewport);
      const slice = slices ? slices.imageIds.indexOf(drawn.imageId) : -1;
      if (!slices || slice < 0) throw new GlueError('NOT_ACQUISITION_PLANE', 'the box is not on an acquired slice of this viewport: key boxes are drawn on the original slices');
      const displaySetUid = displaySetFor(this.deps.services, drawn.viewportId, drawn.imageId).displaySetInstanceUID;
      const key: KeyBox = { imageId: drawn.imageId, slice, number: shownNumber(slices.numbering, slice), box: drawn.box };
      this.store.update((s) => {
        const others = s.keys.displaySetUid === displaySetUid ? s.keys.boxes.filter((b) => b.imageId !== drawn.imageId) : [];
        return { error: null, keys: { ...s.keys, displaySetUid, boxes: [...others, key].sort((a, b) => a.slice - b.slice) } };
      });
    } catch (e) {
      this.store.update({ error: toPlainError(e) });
    }
  }

  removeKeyBox(imageId: string): void {
    this.store.update((s) => ({ keys: { ...s.keys, boxes: s.keys.boxes.filter((b) => b.imageId !== imageId) } }));
  }

  clearKeyBoxes(): void {
    this.store.update((s) => ({ keys: { ...s.keys, displaySetUid: null, boxes: [] } }));
  }

  /** The key boxes drawn on an image (for the box tool to show them there). */
  keyBoxesOn(imageId: string): Box[] {
    return this.store.getState().keys.boxes.filter((b) => b.imageId === imageId).map((b) => b.box);
  }

  /** Runs the 3D prompt from the last box; `range` (0-based, inclusive) overrides the marks. */
  segment(options: { range?: readonly [number, number] } = {}): Promise<void> {
    return this.run('box', () => {
      const last = this.lastBox;
      if (!last) throw new GlueError('NO_IMAGE', 'there is no box yet: draw a box around the structure on one slice, then press "Segment in 3D"');
      return { boxes: [last], range: options.range };
    });
  }

  /**
   * "Segment in 3D from key slices": the collected key boxes (or `boxes`, each on its image), linear in between,
   * propagation beyond the outermost ones; inside `range`, else the marked range, else our stop rules.
   */
  segmentKeySlices(options: { boxes?: readonly { imageId: string; box: Box }[]; range?: readonly [number, number] } = {}): Promise<void> {
    return this.run('keys', () => {
      const boxes = options.boxes ?? this.store.getState().keys.boxes;
      if (!boxes.length) throw new GlueError('NO_KEY_BOXES', 'there are no key-slice boxes yet');
      return { boxes, range: options.range };
    });
  }

  private async run(kind: 'box' | 'keys', promptOf: () => { boxes: readonly { imageId: string; box: Box }[]; range?: readonly [number, number] }): Promise<void> {
    if (this.isRunning()) return;
    const job = ++this.job;
    this.discardPreview();
    const abort = new AbortController();
    this.abort = abort;
    const startedAt = Date.now();
    const kept = this.store.getState().result;
    this.store.update({ error: null, result: kept?.phase === 'accepted' ? kept : null });
    try {
      const prompt = promptOf();
      const { viewportId, slices } = this.activeSlices();
      const positions = prompt.boxes.map((b) => slices.imageIds.indexOf(b.imageId));
      if (positions.some((k) => k < 0)) {
        throw kind === 'keys'
          ? new GlueError('NO_KEY_BOXES', 'the key boxes were drawn on another series than the active viewport shows: make that series\' viewport active')
          : new GlueError('NO_IMAGE', 'the last box was drawn on another series than the active viewport shows: draw the box in this viewport');
      }
      const anchor = prompt.boxes[0];
      const keySlice = positions[0];
      const displaySet = displaySetFor(this.deps.services, viewportId, anchor.imageId);
      const range = prompt.range ?? this.markedRange(displaySet.displaySetInstanceUID, slices.imageIds);
      const outside = range ? positions.filter((k) => k < range[0] || k > range[1]) : [];
      if (range && outside.length) {
        const where = imagesInWords(slices.numbering, range[0], range[1]);
        const image = (k: number) => `image ${shownNumber(slices.numbering, k)}`;
        throw kind === 'keys'
          ? new GlueError('NO_KEY_BOXES', `key boxes on ${outside.map(image).join(', ')} lie outside the marked range (${where}): mark a range around them or clear it`)
          : new GlueError('NO_IMAGE', `the box is on ${image(keySlice)}, outside the marked range (${where}): mark a range around it`);
      }
      const mode: Volume3dMode = kind === 'keys' ? 'key-slices' : range ? 'box3d' : 'one-box';
      this.store.update({ run: { status: 'running', mode, startedAt, done: 0, planned: 0, msLeft: null, cancelling: false } });

      const info = await this.deps.model.ensure();
      if (!info.profile || !info.inputSize) throw new GlueError('CONFIG', 'the inference worker did not say how slices map onto the model input; reload the page');
      const { image: keyImage } = await this.deps.readImage(anchor.imageId);
      const boxes = prompt.boxes.map((b) => checkBox(b.box, keyImage.rows, keyImage.columns).box);
      const box = boxes[0];
      if (job !== this.job) return;
      const handed = this.deps.handOver2dPreview();
      const target = handed ? { segmentationId: handed.segmentationId, created: handed.createdSegmentation } : await this.deps.targets.ensure(viewportId, displaySet, anchor.imageId);
      const { segmentationId } = target;
      const layerSegment = this.deps.targets.previewSegment(segmentationId);
      showPreviewColour(viewportId, segmentationId);
      const preview: Preview3d = { segmentationId, createdSegmentation: target.created, slices: [] };
      this.preview = preview;

      let provenance: Omit<DecodeResult, 'mask'> | null = null;
      const decoders = new Set<DecoderSource>();
      let browserFiles: DecodeResult['decoderFiles'];
      const seriesIds = displaySet.imageIds ?? slices.imageIds;
      const timingLog = new SliceTimingLog();
      const model = workerSliceModel({
        client: this.deps.client,
        imageIds: slices.imageIds,
        readImage: this.deps.readImage,
        normalizationFor: (image) => this.deps.policy.specFor(image, { key: displaySet.displaySetInstanceUID, imageIds: seriesIds }),
        signal: abort.signal,
        onEmbedded: (slice, r, readMs) => timingLog.embed(slice, { readMs, encoderMs: r.ms, cacheHit: r.cacheHit, source: r.source }),
        onDecoded: (r, slice) => {
          provenance ??= r;
          if (r.decoder) decoders.add(r.decoder);
          browserFiles ??= r.decoderFiles;
          timingLog.decode(slice, r.decodeMs, r.decoder);
        },
      });
      const hooks: RunHooks = {
        signal: abort.signal,
        lookahead: this.deps.lookahead,
        onSlice: (progress, result) => {
          if (job !== this.job) return;
          const imageId = slices.imageIds[result.slice];
          // Every kept slice is shown at once: the reader scrolls through the preview as it grows.
          const edit = labelmapEditor.write(segmentationId, layerSegment, imageId, result.mask.data, PREVIEW_LABEL);
          preview.slices.push({ slice: result.slice, imageId, mask: result.mask.data, edit });
          this.store.update((s) => ({
            run: s.run.status === 'running' ? { ...s.run, done: progress.done, planned: progress.planned, msLeft: msLeft(progress.done, progress.planned, progress.elapsedMs) } : s.run,
          }));
        },
      };
      const shape = { transform: modelInputTransform(info.profile, info.inputSize, keyImage.rows, keyImage.columns), sliceCount: slices.imageIds.length };
      let outcome: VolumeSegmentation | null = null;
      try {
        if (kind === 'keys') {
          const keys = positions.map((slice, i) => ({ slice, box: boxes[i] }));
          outcome = await segmentFromKeySlices(model, shape, range ? { keys, range } : { keys }, {}, hooks);
        } else {
          outcome = range ? await segmentBox3D(model, shape, { box, range, startSlice: keySlice }, hooks) : await segmentFromOneBox(model, shape, { box, slice: keySlice }, {}, hooks);
        }
      } catch (e) {
        // Cancelled while a slice was being embedded: the slices done stay the preview.
        if (!abort.signal.aborted) throw e;
      }
      if (job !== this.job) return;
      const done = [...preview.slices].sort((a, b) => a.slice - b.slice);
      const areas = done.map((s) => ({ slice: s.slice, imageId: s.imageId, areaPixels: s.mask.reduce((n, v) => n + (v ? 1 : 0), 0) }));
      const withVoxels = areas.filter((s) => s.areaPixels > 0);
      const measured = measureVolume(areas, keyImage.pixelSpacing, slices.imageIds.map(planeOf));
      const cancelledWords = 'Cancelled: the slices done so far are the preview.';
      const p = provenance as Omit<DecodeResult, 'mask'> | null;
      const decoderRun = decoderRunOf(decoders, browserFiles);
      const view: Volume3dResultView = {
        phase: 'preview',
        mode,
        keySlice: kind === 'keys' ? Math.min(...positions) : keySlice,
        box,
        ...(kind === 'keys' ? { keySlices: [...positions].sort((a, b) => a - b) } : {}),
        range: range ?? null,
        numbering: slices.numbering,
        slices: areas,
        imageCount: slices.imageIds.length,
        extent: withVoxels.length ? [withVoxels[0].slice, withVoxels[withVoxels.length - 1].slice] : null,
        voxels: areas.reduce((n, s) => n + s.areaPixels, 0),
        volumeMl: measured.ml,
        volumeNote: measured.note,
        stops: outcome ? { up: stopInWords('up', outcome.stops.up, slices.numbering), down: stopInWords('down', outcome.stops.down, slices.numbering) } : { up: cancelledWords, down: cancelledWords },
        cancelled: outcome ? outcome.cancelled : true,
        totalMs: Date.now() - startedAt,
        ...(outcome ? { timings: timingLog.timings(outcome) } : {}),
        modelIdentity: p?.modelIdentity ?? null,
        normalization: p?.normalization ?? null,
        embeddingSource: p?.embeddingSource ?? null,
        ...(decoders.size ? { decoder: decoders.size > 1 ? ('service, then browser' as const) : [...decoders][0] } : {}),
        ...(decoderRun ? { decoderRun } : {}),
        segmentationId,
        segmentIndex: null,
        segmentLabel: null,
      };
      this.store.update({ run: { status: 'idle' }, result: view });
    } catch (e) {
      if (job !== this.job) return;
      this.discardPreview();
      this.store.update({ run: { status: 'idle' }, error: toPlainError(e) });
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  /** Stops the run between slices (or the slice being embedded); the slices done stay the preview. */
  cancel(): void {
    if (!this.abort || this.abort.signal.aborted) return;
    this.abort.abort();
    this.store.update((s) => ({ run: s.run.status === 'running' ? { ...s.run, cancelling: true } : s.run }));
  }

  /** Enter: every slice of the preview into the target segment, as one undo step. */
  accept(options: { newSegment?: boolean; replace?: boolean } = {}): void {
    const preview = this.preview;
    if (!preview || this.isRunning()) return;
    this.preview = null;
    try {
      [...preview.slices].reverse().forEach((s) => labelmapEditor.revert(s.edit));
      const { segmentationId } = preview;
      const segment = this.deps.targets.segmentForAccept(segmentationId, options.newSegment === true);
      const covered = preview.slices.reduce((n, s) => n + labelmapEditor.othersUnder(segmentationId, segment.segmentIndex, s.imageId, s.mask), 0);
      const overlap = covered === 0 ? 'none' : options.replace === true || !keepsOverlap(segmentationId) ? 'replaced' : 'kept';
      if (overlap === 'kept') giveSegmentOwnLayer(segmentationId, segment.segmentIndex);
      const edits = preview.slices.map((s) => labelmapEditor.write(segmentationId, segment.segmentIndex, s.imageId, s.mask));
      this.deps.unsaved.mark(segmentationId, segment.segmentIndex);
      recordAccept(edits, (undone) => {
        this.deps.unsaved.mark(segmentationId, segment.segmentIndex);
        this.setPhase(undone ? 'undone' : 'accepted');
      });
      const result = this.store.getState().result;
      if (result?.modelIdentity && result.normalization) {
        const info = this.deps.medsam.getState().model;
        const name = info.status === 'ready' && info.info.identity === result.modelIdentity ? info.info.name : result.modelIdentity.split('@')[0];
        this.deps.recordProvenance(segmentationId, segment.segmentIndex, {
          algorithm: { name: 'MedSAM', modelName: lo(name), modelVersion: lo(result.modelIdentity), ...(result.decoderRun ? { decoderRun: result.decoderRun } : {}) },
          normalization: result.normalization,
        });
      }
      this.store.update((s) => ({ result: s.result && { ...s.result, phase: 'accepted', segmentIndex: segment.segmentIndex, segmentLabel: segment.label, overlap } }));
    } catch (e) {
      this.store.update({ error: toPlainError(e) });
    }
  }

  /** Esc: every slice of the preview disappears (a run in progress stops first). */
  reject(): void {
    if (this.isRunning()) {
      this.job++;
      this.abort?.abort();
      this.store.update({ run: { status: 'idle' } });
    }
    if (this.discardPreview()) this.setPhase('discarded');
  }

  /** OHIF destroys all segmentations on mode exit: forget anything that points into them. */
  onModeExit(): void {
    this.job++;
    this.abort?.abort();
    this.preview = null;
    this.lastBox = null;
    this.store.update({ ...initialVolume3dState });
  }

  /** The marked range as positions in `imageIds` (found again by imageId: a volume may list the series reversed). */
  private markedRange(displaySetUid: string, imageIds: readonly string[]): [number, number] | null {
    const marks = this.store.getState().marks;
    if (marks.displaySetUid !== displaySetUid) return null;
    const at = (position: number | null, imageId: string | null | undefined) => {
      const k = imageId ? imageIds.indexOf(imageId) : -1;
      return k >= 0 ? k : position;
    };
    const first = at(marks.first, marks.firstImageId);
    const last = at(marks.last, marks.lastImageId);
    if (first === null || last === null) return null;
    return first <= last ? [first, last] : [last, first];
  }

  private activeSlices(): { viewportId: string; slices: ViewportSlices } {
    const viewportId = this.deps.services.viewportGridService.getActiveViewportId();
    if (!viewportId) throw new GlueError('NO_IMAGE', 'no viewport is active');
    const slices = viewportSlices(getEnabledElementByViewportId(viewportId)?.viewport);
    if (!slices) throw new GlueError('NOT_ACQUISITION_PLANE', 'the active viewport shows no acquired slice (a reformatted view): 3D runs on the original slices');
    return { viewportId, slices };
  }

  private discardPreview(): boolean {
    const preview = this.preview;
    if (!preview) return false;
    this.preview = null;
    try {
      if (preview.createdSegmentation) this.deps.services.segmentationService.remove(preview.segmentationId);
      else [...preview.slices].reverse().forEach((s) => labelmapEditor.revert(s.edit));
    } catch {
      // the segmentation is gone (e.g. deleted in OHIF's panel): nothing left to restore
    }
    return true;
  }

  private setPhase(phase: Volume3dPhase): void {
    this.store.update((s) => ({ result: s.result && { ...s.result, phase } }));
  }
}
