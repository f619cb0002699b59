import { planarToInterleaved, ybrFull422ToRgb, ybrFullToRgbInPlace } from './colour';

// Expected values from pydicom 2.3's convert_color_space(arr, 'YBR_FULL', 'RGB').
const YBR = [76, 85, 255, 150, 44, 21, 29, 255, 107, 255, 128, 128, 0, 128, 128, 128, 0, 255, 200, 30, 230];
const RGB = [254, 0, 0, 0, 255, 1, 0, 0, 254, 255, 255, 255, 0, 0, 0, 255, 81, 0, 255, 161, 26];

describe('colour conversions', () => {
  it('converts YBR_FULL to RGB like pydicom', () => {
    const values = Uint8Array.from(YBR);
    ybrFullToRgbInPlace(values);
    expect(Array.from(values)).toEqual(RGB);
  });

  it('expands YBR_FULL_422 pairs (Y1 Y2 Cb Cr), also for an odd number of columns', () => {
    // 1 row, 3 columns: pairs (Y 76, 80 | Cb 85, Cr 255) and (Y 255, pad | 128, 128)
    const rgb = ybrFull422ToRgb(Uint8Array.from([76, 80, 85, 255, 255, 0, 128, 128]), 1, 3);
    const reference = Uint8Array.from([76, 85, 255, 80, 85, 255, 255, 128, 128]);
    ybrFullToRgbInPlace(reference);
    expect(Array.from(rgb)).toEqual(Array.from(reference));
  });

  it('interleaves planar data', () => {
    expect(Array.from(planarToInterleaved(Uint16Array.from([1, 2, 10, 20, 100, 200]), 2))).toEqual([1, 10, 100, 2, 20, 200]);
  });
});
