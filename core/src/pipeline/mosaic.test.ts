import { mosaicWarning } from './mosaic';

describe('mosaicWarning', () => {
  it('warns for the MOSAIC image type, with the slice count when known', () => {
    expect(mosaicWarning(['ORIGINAL', 'PRIMARY', 'ASL', 'NONE', 'ND', 'NORM', 'MOSAIC'], 20)).toMatch(/mosaic \(20 slices tiled into one picture\)/);
    expect(mosaicWarning('ORIGINAL\\PRIMARY\\M\\MOSAIC')).toMatch(/several slices/);
    expect(mosaicWarning(undefined, 16)).toMatch(/16 slices/);
  });
  it('says nothing for ordinary images', () => {
    expect(mosaicWarning(['ORIGINAL', 'PRIMARY', 'AXIAL'])).toBeNull();
    expect(mosaicWarning(undefined)).toBeNull();
    expect(mosaicWarning(['DERIVED'], 1)).toBeNull();
  });
});
