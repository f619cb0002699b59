/**
 * JPEG baseline colour: libjpeg converts 3-component data from YCbCr to RGB unless a JFIF or Adobe marker
 * or the component IDs say otherwise; with neither marker it assumes YCbCr except for IDs 'R','G','B'.
 * Encoders that store RGB without a colour transform and with other IDs (e.g. 0,1,2, as in pydicom's
 * SC_jpeg_no_color_transform.dcm) would then be "converted" wrongly. When the DICOM header says RGB,
 * nothing in the stream says YCbCr (no JFIF marker, IDs not 1,2,3, no chroma subsampling), this inserts an
 * Adobe APP14 marker with transform 0 so that libjpeg keeps the samples as they are.
 */

function hasColourHint(jpeg: Uint8Array): { hinted: boolean; componentIds: number[]; subsampled: boolean } {
  let pos = 2;
  while (pos + 4 <= jpeg.length && jpeg[pos] === 0xff) {
    const marker = jpeg[pos + 1];
    const length = (jpeg[pos + 2] << 8) | jpeg[pos + 3];
    const body = jpeg.subarray(pos + 4, pos + 2 + length);
    const text = String.fromCharCode(...body.subarray(0, 5));
    if ((marker === 0xe0 && text.startsWith('JFIF')) || (marker === 0xee && text === 'Adobe')) {
      return { hinted: true, componentIds: [], subsampled: false };
    }
    if (marker === 0xc0 || marker === 0xc1) {
      const count = body[5];
      const ids: number[] = [];
      let subsampled = false;
      for (let c = 0; c < count; c++) {
        ids.push(body[6 + 3 * c]);
        if (body[7 + 3 * c] !== 0x11) subsampled = true;
      }
      return { hinted: false, componentIds: ids, subsampled };
    }
    if (marker === 0xda) break;
    pos += 2 + length;
  }
  return { hinted: true, componentIds: [], subsampled: false }; // unknown layout: leave it to libjpeg
}

const ADOBE_NO_TRANSFORM = [0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0, 0, 0, 0, 0];

export function markUntransformedRgb(jpeg: Uint8Array, photometricInterpretation: string): Uint8Array {
  if (photometricInterpretation !== 'RGB' || jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return jpeg;
  const { hinted, componentIds, subsampled } = hasColourHint(jpeg);
  const ycbcrIds = componentIds.join(',') === '1,2,3';
  if (hinted || componentIds.length !== 3 || ycbcrIds || subsampled) return jpeg;
  const out = new Uint8Array(jpeg.length + ADOBE_NO_TRANSFORM.length);
  out.set(jpeg.subarray(0, 2), 0);
  out.set(ADOBE_NO_TRANSFORM, 2);
  out.set(jpeg.subarray(2), 2 + ADOBE_NO_TRANSFORM.length);
  return out;
}
