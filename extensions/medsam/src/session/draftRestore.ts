// A draft back into the viewer: a labelmap segmentation for its series in OHIF's segmentation service, its
// segments with their labels and colours, every voxel written through the same editor an accept uses.
import { labelmapEditor } from '../segmentation/LabelmapEditor';
import { giveSegmentOwnLayer, keepsOverlap } from '../segmentation/ownLayer';
import type { DisplaySet, Services } from '../types/ohif';
import { GlueError } from '../utils/plainError';
import { decodeRuns, type DraftFrame, type SegmentationDraft } from './draftCodec';
import type { SegmentDetails } from './draftFromViewer';
import { frameOfImage } from './draftFromViewer';

const LABELMAP = 'Labelmap';

export interface RestoreDeps {
  readonly services: Services;
  /** Gives back what the panel keeps per segment (type, provenance). */
  readonly restoreDetails: (segmentationId: string, segmentIndex: number, details: SegmentDetails) => void;
  /** Marks a restored segment unsaved, so that Save stores it. */
  readonly markUnsaved: (segmentationId: string, segmentIndex: number) => void;
}

const frameKey = (f: DraftFrame) => `${f.sopInstanceUID}#${f.frameNumber ?? 0}`;

export function seriesDisplaySet(services: Services, seriesInstanceUID: string): DisplaySet | undefined {
  return services.displaySetService.getActiveDisplaySets().find((d) => d.SeriesInstanceUID === seriesInstanceUID && (d.imageIds?.length ?? 0) > 0);
}

/** The viewport to show the segmentation in: the active one, or one that shows the series. */
function viewportFor(services: Services, displaySet: DisplaySet): string {
  const active = services.viewportGridService.getActiveViewportId();
  const shows = (id: string) => services.viewportGridService.getDisplaySetsUIDsForViewport(id)?.includes(displaySet.displaySetInstanceUID) ?? false;
  if (shows(active)) return active;
  const grid = (services.viewportGridService as unknown as { getState?(): { viewports?: Map<string, unknown> } }).getState?.();
  const other = grid?.viewports ? [...grid.viewports.keys()].find(shows) : undefined;
  return other ?? active;
}

/** Recreates the draft's segmentation; returns its id (the draft's own id unless the viewer already uses it). */
export async function restoreDraft(draft: SegmentationDraft, deps: RestoreDeps): Promise<string> {
  const { services } = deps;
  const displaySet = seriesDisplaySet(services, draft.seriesInstanceUID);
  if (!displaySet?.imageIds) throw new GlueError('NO_SEGMENTATION', `series ${draft.seriesInstanceUID} of the draft is not open in this study`);
  const imageOf = new Map<string, string>();
  for (const imageId of displaySet.imageIds) {
    const frame = frameOfImage(imageId);
    if (frame) imageOf.set(frameKey(frame), imageId);
  }
  const missing = draft.segments.flatMap((s) => s.slices).filter((s) => !imageOf.has(frameKey(s.frame)));
  if (missing.length) throw new GlueError('NO_SEGMENTATION', `${missing.length} slices of the draft lie on images the series no longer has (first: ${missing[0].frame.sopInstanceUID})`);

  const service = services.segmentationService;
  const segmentationId = await service.createLabelmapForDisplaySet(displaySet, {
    ...(service.getSegmentation(draft.segmentationId) ? {} : { segmentationId: draft.segmentationId }),
    label: draft.label,
    segments: Object.fromEntries(draft.segments.map((s, i) => [s.segmentIndex, { segmentIndex: s.segmentIndex, label: s.label, active: i === draft.segments.length - 1 }])),
  });
  const viewportId = viewportFor(services, displaySet);
  await service.addSegmentationRepresentation(viewportId, { segmentationId, type: LABELMAP });
  service.setActiveSegmentation(viewportId, segmentationId); // the panel and the next accept work on it

  const length = draft.rows * draft.columns;
  for (const segment of draft.segments) {
    const masks = segment.slices.map((slice) => ({ imageId: imageOf.get(frameKey(slice.frame))!, mask: decodeRuns(slice.runs, length) }));
    // Overlapping segments come back whole, as an accept keeps them: the later one gets a layer of its own.
    const overlaps = masks.some(({ imageId, mask }) => labelmapEditor.othersUnder(segmentationId, segment.segmentIndex, imageId, mask) > 0);
    if (overlaps && keepsOverlap(segmentationId)) giveSegmentOwnLayer(segmentationId, segment.segmentIndex);
    for (const { imageId, mask } of masks) labelmapEditor.write(segmentationId, segment.segmentIndex, imageId, mask);
    if (segment.color) {
      try {
        service.setSegmentColor?.(viewportId, segmentationId, segment.segmentIndex, segment.color);
      } catch {
        // the segment keeps the colour table's own colour
      }
    }
    deps.restoreDetails(segmentationId, segment.segmentIndex, { target: segment.target, provenance: segment.provenance });
    deps.markUnsaved(segmentationId, segment.segmentIndex);
  }
  return segmentationId;
}
