// The draft of one segmentation, read from OHIF's labelmaps in short steps: every voxel is scanned once per
// layer, but the page gets the main thread back every few milliseconds (no long task for a draft).
import { metaData } from '@cornerstonejs/core';
import { segmentation as csSegmentation } from '@cornerstonejs/tools';
import { readSegmentLayers } from '../store/labelmapLayers';
import type { LayerSlice } from '../store/mergeLabels';
import { frameNumberOf } from '../store/frameNumber';
import { measuredSince } from '../utils/mainThreadMeasure';
import type { DisplaySetService } from '../types/ohif';
import { DRAFT_VERSION, maskRuns, valueRuns, type DraftFrame, type DraftSegment, type DraftSlice, type SegmentationDraft } from './draftCodec';

/** What the panel knows of a segment beyond OHIF's service (type chosen, MedSAM provenance, colour). */
export type SegmentDetails = Pick<DraftSegment, 'color' | 'target' | 'provenance'>;

export interface DraftReadDeps {
  readonly displaySetService: DisplaySetService;
  readonly details: (segmentationId: string, segmentIndex: number) => SegmentDetails;
  /** False once the labelmap changed under the read: the half-read draft is dropped. */
  readonly stillCurrent: () => boolean;
  readonly sliceBudgetMs?: number;
}

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface InstanceMeta {
  readonly SOPInstanceUID?: string;
  readonly StudyInstanceUID?: string;
  readonly SeriesInstanceUID?: string;
  readonly Rows?: number;
  readonly Columns?: number;
}

export function frameOfImage(imageId: string): DraftFrame | null {
  const instance = metaData.get('instance', imageId) as InstanceMeta | undefined;
  if (!instance?.SOPInstanceUID) return null;
  const frameNumber = frameNumberOf(imageId);
  return frameNumber !== undefined ? { sopInstanceUID: instance.SOPInstanceUID, frameNumber } : { sopInstanceUID: instance.SOPInstanceUID };
}

/**
 * The segmentation as a draft; null when it has no voxel, no longer exists, or changed while it was read
 * (the next write after that change reads it again).
 */
export async function readDraft(segmentationId: string, deps: DraftReadDeps): Promise<SegmentationDraft | null> {
  let stepStart = performance.now();
  const segmentation = csSegmentation.state.getSegmentation(segmentationId);
  if (!segmentation) return null;
  const layers = readSegmentLayers(segmentationId);
  const firstImage = layers.flatMap((l) => l.slices).find(() => true)?.sourceImageId;
  if (!firstImage) return null;
  const instance = metaData.get('instance', firstImage) as InstanceMeta | undefined;
  const displaySet = deps.displaySetService.getActiveDisplaySets().find((d) => d.imageIds?.includes(firstImage));
  const seriesInstanceUID = displaySet?.SeriesInstanceUID ?? instance?.SeriesInstanceUID;
  if (!instance?.StudyInstanceUID || !seriesInstanceUID) return null;

  const budget = deps.sliceBudgetMs ?? 8;
  const scanned = new Map<LayerSlice, Uint32Array | null>();
  const frames = new Map<string, DraftFrame | null>();
  const segments: DraftSegment[] = [];
  for (const layer of layers) {
    const slices: DraftSlice[] = [];
    for (const slice of layer.slices) {
      if (performance.now() - stepStart > budget) {
        measuredSince('draft', stepStart);
        await yieldToPage();
        if (!deps.stillCurrent()) return null;
        stepStart = performance.now();
      }
      let pairs = scanned.get(slice);
      if (pairs === undefined) scanned.set(slice, (pairs = valueRuns(slice.values)));
      if (!pairs) continue;
      const runs = maskRuns(pairs, layer.labelValue);
      if (!runs) continue;
      let frame = frames.get(slice.sourceImageId);
      if (frame === undefined) frames.set(slice.sourceImageId, (frame = frameOfImage(slice.sourceImageId)));
      if (frame) slices.push({ frame, runs });
    }
    const segment = segmentation.segments[layer.segmentIndex];
    segments.push({ segmentIndex: layer.segmentIndex, label: segment?.label ?? `Segment ${layer.segmentIndex}`, ...deps.details(segmentationId, layer.segmentIndex), slices });
  }
  measuredSince('draft', stepStart);
  if (!segments.some((s) => s.slices.length > 0)) return null;
  const length = layers[0].slices[0]?.values.length ?? 0;
  const rows = Number(instance.Rows) || length;
  return {
    version: DRAFT_VERSION,
    studyInstanceUID: instance.StudyInstanceUID,
    seriesInstanceUID,
    segmentationId,
    label: segmentation.label ?? 'MedSAM',
    rows,
    columns: Number(instance.Columns) || Math.round(length / rows),
    updatedAt: Date.now(),
    segments,
  };
}
