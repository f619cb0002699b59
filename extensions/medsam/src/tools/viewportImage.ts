import { cache, BaseVolumeViewport, StackViewport, utilities as csUtils, type Types } from '@cornerstonejs/core';
import { GlueError } from '../utils/plainError';
import { boxFromWorldCorners, isAcquisitionPlane, type PixelBox, type Vec3 } from './boxGeometry';

export interface BoxOnImage extends PixelBox {
  /** The referenced (source) image the box was drawn on. */
  readonly imageId: string;
}

/**
 * Where two world-space corners fall on the image a viewport shows: the source imageId and the box in that
 * image's pixel coordinates. Stack viewports show one image; volume viewports must be in the acquisition
 * plane, and the slice index picks the imageId of the volume.
 */
export function boxOnViewportImage(viewport: Types.IEnabledElement['viewport'], a: Vec3, b: Vec3): BoxOnImage {
  const camera = viewport.getCamera();
  if (viewport instanceof StackViewport) {
    const data = viewport.getImageData();
    const imageId = viewport.getCurrentImageId();
    if (!data || !imageId) throw new GlueError('NO_IMAGE', 'the viewport shows no image yet');
    // CPU-rendered stacks carry a vtk-like imageData with the same worldToIndex.
    const imageData = data.imageData as Types.IImageData['imageData'];
    const worldToIndex = (p: Vec3) => csUtils.transformWorldToIndexContinuous(imageData, [p[0], p[1], p[2]] as Types.Point3) as readonly number[];
    return { ...boxFromWorldCorners(a, b, worldToIndex), imageId };
  }
  if (viewport instanceof BaseVolumeViewport) {
    const volumeId = viewport.getVolumeId();
    const volume = volumeId ? cache.getVolume(volumeId) : undefined;
    const data = viewport.getImageData(volumeId);
    if (!volume || !data) throw new GlueError('NO_IMAGE', 'the viewport shows no volume yet');
    if (!camera.viewPlaneNormal || !isAcquisitionPlane(camera.viewPlaneNormal, data.direction)) {
      throw new GlueError('NOT_ACQUISITION_PLANE', 'the viewport is reformatted (not the plane the images were acquired in)');
    }
    const worldToIndex = (p: Vec3) => csUtils.transformWorldToIndexContinuous(data.imageData, [p[0], p[1], p[2]] as Types.Point3) as readonly number[];
    const pixelBox = boxFromWorldCorners(a, b, worldToIndex);
    const imageId = volume.imageIds[pixelBox.slice];
    if (!imageId) throw new GlueError('NO_IMAGE', `slice ${pixelBox.slice} is outside the volume's ${volume.imageIds.length} images`);
    return { ...pixelBox, imageId };
  }
  throw new GlueError('NO_IMAGE', `MedSAM cannot read images from a ${(viewport as { type?: string }).type ?? "non-image"} viewport`);
}
