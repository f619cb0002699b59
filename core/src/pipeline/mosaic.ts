/**
 * A mosaic (Siemens "MOSAIC" image type: many slices tiled into one picture, e.g. 20 slices of 72×72 in one
 * 360×360 image) is one image to MedSAM: a box is segmented across tile borders as if they were anatomy.
 * MedSAM has no rule for it; we segment as asked and say so.
 */
export function mosaicWarning(imageType: readonly string[] | string | undefined, imagesInMosaic?: number): string | null {
  const types = (Array.isArray(imageType) ? imageType : String(imageType ?? '').split('\\')).map((t) => String(t).trim().toUpperCase());
  if (!types.includes('MOSAIC') && !(imagesInMosaic !== undefined && imagesInMosaic > 1)) return null;
  const count = imagesInMosaic && imagesInMosaic > 1 ? `${imagesInMosaic} slices` : 'several slices';
  return `This image is a mosaic (${count} tiled into one picture): MedSAM treats it as one image, so a box that crosses tile borders mixes slices. Open the series as separate slices (unmosaiced) for a reliable result.`;
}
