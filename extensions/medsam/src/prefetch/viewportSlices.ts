import { BaseVolumeViewport, cache, StackViewport, type Types } from '@cornerstonejs/core';

export interface ViewportSlices {
  readonly imageIds: readonly string[];
  readonly current: number;
}

/**
 * The series a viewport scrolls through and the position of the shown image: a stack's image list, or a
 * volume's images when the volume viewport shows an acquired slice (a reformatted view shows none).
 */
export function viewportSlices(viewport: Types.IEnabledElement['viewport'] | undefined): ViewportSlices | null {
  if (viewport instanceof StackViewport) {
    const imageIds = viewport.getImageIds();
    const current = viewport.getCurrentImageIdIndex();
    return imageIds.length && current >= 0 ? { imageIds, current } : null;
  }
  if (viewport instanceof BaseVolumeViewport) {
    const volumeId = viewport.getVolumeId();
    const volume = volumeId ? cache.getVolume(volumeId) : undefined;
    const imageId = viewport.getCurrentImageId();
    const current = volume && imageId ? volume.imageIds.indexOf(imageId) : -1;
    return volume && current >= 0 ? { imageIds: volume.imageIds, current } : null;
  }
  return null;
}
