import { cache, imageLoader, metaData, type Types } from '@cornerstonejs/core';
import type { SourceImage } from '@medsam-ohif/core';
import { GlueError } from '../utils/plainError';
import type { ImageRef } from '../worker/protocol';
import { frameOfImageId, toSourceImage, type ImageFields } from './toSourceImage';

interface SeriesModule {
  modality?: string;
}
interface SopCommonModule {
  sopInstanceUID?: string;
}
interface ImagePlaneModule {
  rowPixelSpacing?: number | null;
  columnPixelSpacing?: number | null;
}

/** The image from cornerstone's cache, loading it (through the viewer's image loaders) when evicted. */
export async function loadImage(imageId: string): Promise<Types.IImage> {
  const cached = cache.getImage(imageId);
  if (cached) return cached;
  try {
    return await imageLoader.loadAndCacheImage(imageId);
  } catch (e) {
    throw new GlueError('NO_IMAGE', `the image ${imageId} could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function imageFields(image: Types.IImage, imageId: string): ImageFields {
  const series = metaData.get('generalSeriesModule', imageId) as SeriesModule | undefined;
  const plane = metaData.get('imagePlaneModule', imageId) as ImagePlaneModule | undefined;
  const pixels = image.voxelManager?.getScalarData() ?? image.getPixelData();
  return {
    rows: image.rows,
    columns: image.columns,
    pixels: pixels as ImageFields['pixels'],
    slope: image.slope ?? 1,
    intercept: image.intercept ?? 0,
    preScaled: image.preScale?.scaled === true,
    color: image.color === true,
    modality: series?.modality ?? image.preScale?.scalingParameters?.modality ?? 'OT',
    rowPixelSpacing: plane?.rowPixelSpacing ?? image.rowPixelSpacing,
    columnPixelSpacing: plane?.columnPixelSpacing ?? image.columnPixelSpacing,
  };
}

/** Source pixels + modality LUT + spacing for the core, and the identity of the image for the cache. */
export async function readSourceImage(imageId: string): Promise<{ image: SourceImage; ref: ImageRef }> {
  const image = await loadImage(imageId);
  const sop = metaData.get('sopCommonModule', imageId) as SopCommonModule | undefined;
  return {
    image: toSourceImage(imageFields(image, imageId)),
    ref: { imageId, sopInstanceUid: sop?.sopInstanceUID, frame: frameOfImageId(imageId) },
  };
}
