import { DEFAULT_SAVE_CONFIG, readSaveConfig } from './saveConfig';

describe('readSaveConfig', () => {
  it('defaults to binary SEG, series numbers above 3100', () => {
    expect(readSaveConfig()).toEqual(DEFAULT_SAVE_CONFIG);
    expect(DEFAULT_SAVE_CONFIG).toMatchObject({ sopClass: 'binary', seriesNumberBase: 3100 });
  });

  it('later sources win; unknown keys are left alone', () => {
    expect(readSaveConfig({ segSopClass: 'labelmap', modelManifestUrl: '/x' }, { segSeriesNumberBase: 7000, segStoreTimeoutMs: 5000 })).toEqual({
      sopClass: 'labelmap',
      seriesNumberBase: 7000,
      timeoutMs: 5000,
    });
  });

  it('rejects bad values', () => {
    expect(() => readSaveConfig({ segSopClass: 'bitmap' })).toThrow(/"binary" or "labelmap"/);
    expect(() => readSaveConfig({ segSeriesNumberBase: -1 })).toThrow(/positive integer/);
  });
});
