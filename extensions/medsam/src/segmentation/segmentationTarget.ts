import { segmentation as csSegmentation } from '@cornerstonejs/tools';
import type { TargetView } from '../controller/state';
import type { DisplaySet, SegmentationService } from '../types/ohif';
import { GlueError } from '../utils/plainError';

const LABELMAP = 'Labelmap';

/** True when the segmentation has a labelmap slice over the image. */
function coversImage(segmentationId: string, imageId: string): boolean {
  return (csSegmentation.getLabelmapImageIdsForImageId(imageId, segmentationId) ?? []).length > 0;
}

/**
 * Finds (or creates) the labelmap segmentation a MedSAM result goes into, and the segment within it: the
 * viewport's active labelmap over the image if there is one, otherwise a new "MedSAM" labelmap for the
 * display set; the active segment, otherwise a new one.
 */
export class SegmentationTargets {
  constructor(private readonly service: SegmentationService) {}

  /** The labelmap segmentation over `imageId` shown in the viewport (the active one first), if any. */
  find(viewportId: string, imageId: string): string | null {
    const representations = this.service.getSegmentationRepresentations(viewportId).filter((r) => r.type === LABELMAP);
    representations.sort((a, b) => Number(b.active) - Number(a.active));
    return representations.find((r) => coversImage(r.segmentationId, imageId))?.segmentationId ?? null;
  }

  async ensure(viewportId: string, displaySet: DisplaySet, imageId: string): Promise<{ segmentationId: string; created: boolean }> {
    const existing = this.find(viewportId, imageId);
    if (existing) return { segmentationId: existing, created: false };
    const segmentationId = await this.service.createLabelmapForDisplaySet(displaySet, {
      label: 'MedSAM',
      segments: { 1: { label: 'MedSAM 1', active: true } },
    });
    await this.service.addSegmentationRepresentation(viewportId, { segmentationId, type: LABELMAP });
    if (!coversImage(segmentationId, imageId)) {
      throw new GlueError('NO_SEGMENTATION', `the new labelmap for series ${displaySet.SeriesInstanceUID ?? displaySet.displaySetInstanceUID} does not cover ${imageId}`);
    }
    return { segmentationId, created: true };
  }

  /** The active, unlocked segment, or a new segment (which becomes active): always a new one with `newSegment`. */
  segmentForAccept(segmentationId: string, newSegment = false): { segmentIndex: number; label: string; created: boolean } {
    const segmentation = this.service.getSegmentation(segmentationId);
    if (!segmentation) throw new GlueError('NO_SEGMENTATION', `segmentation ${segmentationId} no longer exists`);
    const active = newSegment ? undefined : Object.values(segmentation.segments).find((s) => s?.active && !s.locked);
    if (active) return { segmentIndex: active.segmentIndex, label: active.label, created: false };
    const segmentIndex = this.service.getNextAvailableSegmentIndex(segmentationId);
    const label = `MedSAM ${segmentIndex}`;
    this.service.addSegment(segmentationId, { segmentIndex, label, active: true });
    // Issue 9: after a save addSegment could leave no segment behind; writing voxels then loses them silently.
    const registered = this.service.getSegmentation(segmentationId)?.segments[segmentIndex];
    if (!registered) {
      throw new GlueError('NO_SEGMENTATION', `the viewer did not add segment ${segmentIndex} to segmentation ${segmentationId}; nothing was written`);
    }
    return { segmentIndex, label, created: true };
  }

  /** The segment whose labelmap layer a preview is drawn in: the one an accept would use (1 when none is active). */
  previewSegment(segmentationId: string): number {
    return this.view(segmentationId)?.segmentIndex ?? 1;
  }

  /** The segment an accept would use now, for the panel (without creating anything). */
  view(segmentationId: string | null): TargetView | null {
    const segmentation = segmentationId ? this.service.getSegmentation(segmentationId) : undefined;
    if (!segmentation) return null;
    const active = Object.values(segmentation.segments).find((s) => s?.active);
    return {
      segmentationId: segmentation.segmentationId,
      segmentationLabel: segmentation.label,
      segmentIndex: active?.segmentIndex ?? null,
      segmentLabel: active?.label ?? null,
    };
  }
}
