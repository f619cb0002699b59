import { cache } from '@cornerstonejs/core';
import { segmentation as csSegmentation } from '@cornerstonejs/tools';
import { GlueError } from '../utils/plainError';
import { segmentStorage, type LabelmapData } from './labelmapLayer';
import { reapplyChange, revertChange, writeMask, type VoxelAccess, type VoxelChange } from './labelmapWrite';
import type { SegmentSlice } from './overlap';

/** A write to one slice of a labelmap, kept so it can be reverted (reject, undo) or re-applied (redo). */
export interface LabelmapEdit {
  readonly segmentationId: string;
  readonly voxels: VoxelAccess;
  readonly change: VoxelChange;
}

interface SliceVoxels {
  readonly voxels: VoxelAccess;
  readonly offset: number;
  readonly labelValue: number;
}

function labelmapData(segmentationId: string): LabelmapData {
  const data = csSegmentation.state.getSegmentation(segmentationId)?.representationData.Labelmap;
  if (!data) throw new GlueError('NO_SEGMENTATION', `segmentation ${segmentationId} has no labelmap`);
  return data as LabelmapData;
}

/**
 * The voxels of the labelmap slice that lies over a source image, for one segment: the derived labelmap
 * image whose referencedImageId is that image (stack storage), or the matching slice of a labelmap volume.
 */
function sliceVoxels(segmentationId: string, segmentIndex: number, sourceImageId: string): SliceVoxels {
  const storage = segmentStorage(labelmapData(segmentationId), segmentIndex);
  if (storage.imageIds) {
    const candidates = csSegmentation.getLabelmapImageIdsForImageId(sourceImageId, segmentationId) ?? [];
    const labelImageId =
      candidates.find((id) => storage.imageIds!.includes(id)) ?? storage.imageIds.find((id) => cache.getImage(id)?.referencedImageId === sourceImageId);
    const voxels = labelImageId ? cache.getImage(labelImageId)?.voxelManager : undefined;
    if (!voxels) throw new GlueError('NO_SEGMENTATION', `the segmentation has no labelmap image over ${sourceImageId}`);
    return { voxels: voxels as VoxelAccess, offset: 0, labelValue: storage.labelValue };
  }
  const volume = storage.volumeId ? cache.getVolume(storage.volumeId) : undefined;
  if (!volume?.voxelManager) throw new GlueError('NO_SEGMENTATION', 'the segmentation has neither labelmap images nor a labelmap volume');
  const slice = volume.imageIds.findIndex((id) => id === sourceImageId || cache.getImage(id)?.referencedImageId === sourceImageId);
  if (slice < 0) throw new GlueError('NO_SEGMENTATION', `the labelmap volume has no slice over ${sourceImageId}`);
  const [columns, rows] = volume.dimensions;
  return { voxels: volume.voxelManager as VoxelAccess, offset: slice * rows * columns, labelValue: storage.labelValue };
}

/**
 * Writes masks into OHIF's labelmaps: exactly the mask's voxels get the value, nothing else changes, and
 * the segmentation service is told (triggerSegmentationDataModified) so that viewports and panels update.
 */
export const labelmapEditor = {
  /**
   * Writes the mask as `segmentIndex` (its bound label value, or `labelValue` when given, e.g. a preview).
   * `notify: false` when the viewer already shows these voxels (a live mask kept as the preview).
   */
  write(segmentationId: string, segmentIndex: number, sourceImageId: string, mask: Uint8Array, labelValue?: number, { notify = true }: { notify?: boolean } = {}): LabelmapEdit {
    const slice = sliceVoxels(segmentationId, segmentIndex, sourceImageId);
    const change = writeMask(slice.voxels, mask, labelValue ?? slice.labelValue, slice.offset);
    if (notify) labelmapEditor.redraw(segmentationId);
    return { segmentationId, voxels: slice.voxels, change };
  },

  /** How many of the mask's voxels hold another segment in the layer `segmentIndex` would be written into. */
  othersUnder(segmentationId: string, segmentIndex: number, sourceImageId: string, mask: Uint8Array): number {
    const slice = sliceVoxels(segmentationId, segmentIndex, sourceImageId);
    let n = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) continue;
      const value = Number(slice.voxels.getAtIndex(slice.offset + i));
      if (value !== 0 && value !== slice.labelValue) n++;
    }
    return n;
  },

  /** Each segment's voxels over the image, from whichever labelmap layer holds it (for overlapsUnder). */
  segmentSlices(segmentationId: string, segmentIndices: readonly number[], sourceImageId: string): SegmentSlice[] {
    return segmentIndices.map((segmentIndex) => ({ segmentIndex, ...sliceVoxels(segmentationId, segmentIndex, sourceImageId) }));
  },

  /**
   * Puts the voxels back. `notify: false` when a write into the same segmentation follows at once: each
   * notification re-renders the viewports (a long task with software GL), and one is enough for both.
   */
  revert(edit: LabelmapEdit, { notify = true }: { notify?: boolean } = {}): void {
    revertChange(edit.voxels, edit.change);
    if (notify) labelmapEditor.redraw(edit.segmentationId);
  },

  /** Tells viewports and panels that the segmentation's voxels changed. */
  redraw(segmentationId: string): void {
    csSegmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId);
  },

  reapply(edit: LabelmapEdit): void {
    reapplyChange(edit.voxels, edit.change);
    labelmapEditor.redraw(edit.segmentationId);
  },
};
