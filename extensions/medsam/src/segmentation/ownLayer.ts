import { cache, imageLoader, utilities, volumeLoader } from '@cornerstonejs/core';
import { segmentation as csSegmentation } from '@cornerstonejs/tools';
import { GlueError } from '../utils/plainError';
import type { LabelmapData, LabelmapLayerData } from './labelmapLayer';

type MutableLabelmapData = LabelmapData & {
  labelmaps: Record<string, LabelmapLayerData>;
  segmentBindings: Record<number, { labelmapId: string; labelValue: number }>;
};

interface Voxels {
  getAtIndex(index: number): unknown;
  setAtIndex(index: number, value: number): void;
  /** A stack image's own pixel array (cornerstone's image voxel manager); a fresh copy per call for RLE ones. */
  getScalarData?(): ArrayLike<number> & { [index: number]: number };
}

/**
 * True when the host's cornerstone keeps overlapping segments whole: a segmentation's labelmap is a set of layers
 * (`labelmaps`) with a binding per segment (`segmentBindings`), the model OHIF ≥ 3.13 (cornerstone 5) also builds
 * when it loads an overlapping SEG. cornerstone 4 (OHIF 3.11/3.12) has one layer: a voxel holds one segment.
 */
export function keepsOverlap(segmentationId: string): boolean {
  const data = csSegmentation.state.getSegmentation(segmentationId)?.representationData.Labelmap as LabelmapData | undefined;
  return !!data?.labelmaps && !!data.segmentBindings;
}

function newLayer(segmentationId: string, from: LabelmapLayerData): { layer: LabelmapLayerData; voxelsAt: (k: number) => Voxels; slices: number; sliceLength: number } {
  const labelmapId = `${segmentationId}-storage-medsam-${utilities.uuidv4()}`;
  if (from.imageIds?.length) {
    const referencedImageIds = [...(from.referencedImageIds ?? from.imageIds.map((id) => cache.getImage(id)?.referencedImageId ?? id))];
    const images = imageLoader.createAndCacheDerivedLabelmapImages(referencedImageIds);
    return {
      layer: { labelmapId, storageKind: 'stack', imageIds: images.map((i) => i.imageId), referencedImageIds },
      voxelsAt: (k) => images[k].voxelManager as unknown as Voxels,
      slices: images.length,
      sliceLength: images[0] ? images[0].rows * images[0].columns : 0,
    };
  }
  const source = from.volumeId ? cache.getVolume(from.volumeId) : undefined;
  if (!source) throw new GlueError('NO_SEGMENTATION', 'the segmentation has neither labelmap images nor a labelmap volume');
  const referencedVolumeId = from.referencedVolumeId ?? source.referencedVolumeId ?? source.volumeId;
  const volume = volumeLoader.createAndCacheDerivedLabelmapVolume(referencedVolumeId, { volumeId: labelmapId });
  const voxels = volume.voxelManager as unknown as Voxels;
  return {
    layer: { labelmapId, storageKind: 'volume', volumeId: labelmapId, imageIds: volume.imageIds, referencedVolumeId, ...(from.referencedImageIds ? { referencedImageIds: from.referencedImageIds } : {}) },
    voxelsAt: () => voxels,
    slices: 1,
    sliceLength: volume.dimensions[0] * volume.dimensions[1] * volume.dimensions[2],
  };
}

function layerVoxels(layer: LabelmapLayerData): { voxelsAt: (k: number) => Voxels | undefined; slices: number } {
  if (layer.imageIds?.length && layer.storageKind !== 'volume') {
    const ids = layer.imageIds;
    return { voxelsAt: (k) => cache.getImage(ids[k])?.voxelManager as unknown as Voxels | undefined, slices: ids.length };
  }
  const volume = layer.volumeId ? cache.getVolume(layer.volumeId) : undefined;
  return { voxelsAt: () => volume?.voxelManager as unknown as Voxels | undefined, slices: 1 };
}

/**
 * Moves one segment's voxels of a stack slice through the images' pixel arrays: the per-voxel accessors cost
 * tens of milliseconds per accept on a 40-slice series (a main-thread long task). False when either image does
 * not expose its array, so the caller uses the accessors.
 */
function moveOnSlice(source: Voxels, target: Voxels, length: number, labelValue: number, segmentIndex: number): boolean {
  const from = source.getScalarData?.();
  const to = target.getScalarData?.();
  if (!from || !to || from.length !== length || to.length !== length) return false;
  // Only the images' own arrays will do: a voxel manager that builds a fresh array per call (RLE) would drop the writes.
  if (source.getScalarData?.() !== from || target.getScalarData?.() !== to) return false;
  for (let i = 0; i < length; i++) {
    if (from[i] !== labelValue) continue;
    to[i] = segmentIndex;
    from[i] = 0;
  }
  return true;
}

/**
 * Gives a segment a labelmap layer of its own (its voxels move with it), so that writing it takes no voxel from
 * another segment: the lesion and the organ around it both stay whole. Uses cornerstone's own layer model (layers
 * plus a binding per segment), as cornerstone does when a brush must not overwrite other segments. A no-op when
 * the segment is alone in its layer already. Call only where keepsOverlap() holds.
 */
export function giveSegmentOwnLayer(segmentationId: string, segmentIndex: number): void {
  const data = csSegmentation.state.getSegmentation(segmentationId)?.representationData.Labelmap as MutableLabelmapData | undefined;
  if (!data?.labelmaps || !data.segmentBindings) throw new GlueError('NO_SEGMENTATION', `segmentation ${segmentationId} has no labelmap layers`);
  const primary = data.primaryLabelmapId ?? Object.keys(data.labelmaps)[0];
  const binding = data.segmentBindings[segmentIndex] ?? { labelmapId: primary, labelValue: segmentIndex };
  const sharing = Object.entries(data.segmentBindings).some(([index, b]) => Number(index) !== segmentIndex && b.labelmapId === binding.labelmapId);
  const from = data.labelmaps[binding.labelmapId];
  if (!sharing || !from) return;

  const made = newLayer(segmentationId, from);
  const old = layerVoxels(from);
  for (let k = 0; k < made.slices; k++) {
    const source = old.voxelsAt(k);
    const target = made.voxelsAt(k);
    if (!source) continue;
    if (from.storageKind !== 'volume' && moveOnSlice(source, target, made.sliceLength, binding.labelValue, segmentIndex)) continue;
    for (let i = 0; i < made.sliceLength; i++) {
      if (Number(source.getAtIndex(i)) !== binding.labelValue) continue;
      target.setAtIndex(i, segmentIndex);
      source.setAtIndex(i, 0);
    }
  }
  data.labelmaps[made.layer.labelmapId!] = made.layer;
  data.segmentBindings[segmentIndex] = { labelmapId: made.layer.labelmapId!, labelValue: segmentIndex };
  // The viewports build an actor per layer: tell them the segmentation's structure changed, then its voxels.
  csSegmentation.triggerSegmentationEvents.triggerSegmentationModified(segmentationId);
  csSegmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId);
}
