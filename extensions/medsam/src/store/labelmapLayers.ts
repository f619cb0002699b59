// The voxels of a segmentation as cornerstone 5.6 keeps them: per segment, its labelmap layer (derived
// images, one per source image, in cornerstone's cache; or a labelmap volume) and its label value.
import { cache } from '@cornerstonejs/core';
import { segmentation as csSegmentation } from '@cornerstonejs/tools';
import { segmentStorage, type LabelmapData, type SegmentStorage } from '../segmentation/labelmapLayer';
import type { LayerSlice, SegmentLayer } from './mergeLabels';
import { SaveError } from './saveErrors';

interface VoxelSource {
  getScalarData?(): ArrayLike<number>;
  getAtIndex(index: number): unknown;
}

/** A slice's voxels: the image's own typed array when it has one, else copied voxel by voxel. */
function voxelsOf(voxels: VoxelSource, offset: number, length: number): ArrayLike<number> {
  if (offset === 0 && typeof voxels.getScalarData === 'function') {
    const data = voxels.getScalarData();
    if (data.length === length) return data;
  }
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number(voxels.getAtIndex(offset + i));
  return out;
}

function stackSlices(imageIds: readonly string[]): LayerSlice[] {
  return imageIds.map((id) => {
    const image = cache.getImage(id);
    // A labelmap image missing from the cache would save as empty: refuse instead.
    if (!image?.voxelManager) throw new SaveError('INTERNAL', `labelmap image ${id} is no longer in cornerstone's cache`);
    return { sourceImageId: image.referencedImageId ?? id, values: voxelsOf(image.voxelManager as unknown as VoxelSource, 0, image.rows * image.columns) };
  });
}

function volumeSlices(volumeId: string): LayerSlice[] {
  const volume = cache.getVolume(volumeId);
  if (!volume?.voxelManager) throw new SaveError('INTERNAL', `labelmap volume ${volumeId} is no longer in cornerstone's cache`);
  const [columns, rows] = volume.dimensions;
  const length = rows * columns;
  return volume.imageIds.map((id, k) => ({
    sourceImageId: cache.getImage(id)?.referencedImageId ?? id,
    values: voxelsOf(volume.voxelManager as unknown as VoxelSource, k * length, length),
  }));
}

/** Every segment of the segmentation with its layer's slices (layers shared by segments are read once). */
export function readSegmentLayers(segmentationId: string): SegmentLayer[] {
  const segmentation = csSegmentation.state.getSegmentation(segmentationId);
  const data = segmentation?.representationData.Labelmap as LabelmapData | undefined;
  if (!segmentation || !data) throw new SaveError('NO_SEGMENTATION', `segmentation ${segmentationId} has no labelmap`);
  const read = new Map<string, LayerSlice[]>();
  const slicesOf = (storage: SegmentStorage): LayerSlice[] => {
    const key = storage.imageIds ? `images:${storage.imageIds.join('|')}` : `volume:${storage.volumeId ?? ''}`;
    let slices = read.get(key);
    if (!slices) {
      if (storage.imageIds) slices = stackSlices(storage.imageIds);
      else if (storage.volumeId) slices = volumeSlices(storage.volumeId);
      else throw new SaveError('NO_SEGMENTATION', 'the segmentation has neither labelmap images nor a labelmap volume');
      read.set(key, slices);
    }
    return slices;
  };
  return Object.values(segmentation.segments)
    .filter((s) => !!s)
    .map((segment) => {
      const storage = segmentStorage(data, segment.segmentIndex);
      return { segmentIndex: segment.segmentIndex, labelValue: storage.labelValue, slices: slicesOf(storage) };
    });
}
