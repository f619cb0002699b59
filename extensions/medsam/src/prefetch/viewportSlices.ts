import { BaseVolumeViewport, cache, metaData, StackViewport, type Types } from '@cornerstonejs/core';
import type { Vector3 } from '@medsam-ohif/core';
import { listOrder, sliderRunsAgainstList, type SliceNumbering } from '../volume3d/sliceNumbers';

export interface ViewportSlices {
  readonly imageIds: readonly string[];
  readonly current: number;
  /** How the viewport's slider (and OHIF's overlay) counts `imageIds`. */
  readonly numbering: SliceNumbering;
}

function positionOf(imageId: string | undefined): Vector3 | null {
  const p = imageId ? (metaData.get('imagePlaneModule', imageId) as { imagePositionPatient?: number[] } | undefined)?.imagePositionPatient : undefined;
  return p?.length === 3 ? (p as unknown as Vector3) : null;
}

/** A volume viewport's slider against the volume's image list (list order when the images have no positions). */
function volumeNumbering(viewport: BaseVolumeViewport, imageIds: readonly string[]): SliceNumbering {
  const first = positionOf(imageIds[0]);
  const last = positionOf(imageIds[imageIds.length - 1]);
  const normal = viewport.getCamera().viewPlaneNormal as Vector3 | undefined;
  if (!first || !last || !normal) return listOrder(imageIds.length);
  return { count: imageIds.length, reversed: sliderRunsAgainstList(first, last, normal) };
}

/**
 * The series a viewport scrolls through and the position of the shown image: a stack's image list, or a
 * volume's images when the volume viewport shows an acquired slice (a reformatted view shows none).
 */
export function viewportSlices(viewport: Types.IEnabledElement['viewport'] | undefined): ViewportSlices | null {
  if (viewport instanceof StackViewport) {
    const imageIds = viewport.getImageIds();
    const current = viewport.getCurrentImageIdIndex();
    return imageIds.length && current >= 0 ? { imageIds, current, numbering: listOrder(imageIds.length) } : null;
  }
  if (viewport instanceof BaseVolumeViewport) {
    const volumeId = viewport.getVolumeId();
    const volume = volumeId ? cache.getVolume(volumeId) : undefined;
    const imageId = viewport.getCurrentImageId();
    const current = volume && imageId ? volume.imageIds.indexOf(imageId) : -1;
    return volume && current >= 0 ? { imageIds: volume.imageIds, current, numbering: volumeNumbering(viewport, volume.imageIds) } : null;
  }
  return null;
}
