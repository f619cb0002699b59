import { metaData } from '@cornerstonejs/core';
import { mosaicWarning } from '@medsam-ohif/core';

interface InstanceMetadata {
  ImageType?: string[] | string;
  /** Siemens private (0019,100A) NumberOfImagesInMosaic, when the metadata keeps it. */
  '0019100A'?: { Value?: number[] } | number[];
}

function imagesInMosaic(instance: InstanceMetadata): number | undefined {
  const raw = instance['0019100A'];
  const value = Array.isArray(raw) ? raw[0] : raw?.Value?.[0];
  return typeof value === 'number' ? value : undefined;
}

/** The mosaic warning for an image, from OHIF's instance metadata (null for ordinary images). */
export function mosaicWarningFor(imageId: string): string | null {
  const instance = metaData.get('instance', imageId) as InstanceMetadata | undefined;
  return instance ? mosaicWarning(instance.ImageType, imagesInMosaic(instance)) : null;
}
