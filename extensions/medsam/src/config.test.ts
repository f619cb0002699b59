import { ConfigError, DEFAULT_CONFIG, readConfig } from './config';

describe('readConfig', () => {
  it('defaults: WebGPU then WASM, ORT from /ort/, a byte-bounded embedding cache', () => {
    expect(readConfig()).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.backends).toEqual(['webgpu', 'wasm']);
  });

  it('models: a list by name; the first is used unless modelManifestUrl says otherwise', () => {
    const models = [
      { name: 'Test model 1024', manifestUrl: '/models/test-tiny/manifest.json', hint: 'test model' },
      { name: 'LiteMedSAM', manifestUrl: '/models/litemedsam/manifest.json' },
    ];
    expect(readConfig({ models })).toMatchObject({ models, modelManifestUrl: '/models/test-tiny/manifest.json' });
    expect(readConfig({ models }, { modelManifestUrl: '/models/litemedsam/manifest.json' }).modelManifestUrl).toBe('/models/litemedsam/manifest.json');
    expect(readConfig({ modelManifestUrl: '/dev.json' }, { models }).modelManifestUrl).toBe('/dev.json');
    expect(readConfig().models).toEqual([]);
    const named = [{ name: 'LiteMedSAM', manifestUrl: '/models/litemedsam/manifest.json', embeddingModel: 'litemedsam_encoder' }];
    expect(readConfig({ models: named }).models).toEqual(named);
  });

  it('later sources win (appConfig.medsam, then the extension configuration)', () => {
    const config = readConfig({ modelManifestUrl: '/a.json', backends: ['wasm'], threads: 2 }, { modelManifestUrl: '/b.json', ortBaseUrl: '/x/ort' });
    expect(config).toMatchObject({ modelManifestUrl: '/b.json', backends: ['wasm'], threads: 2, ortBaseUrl: '/x/ort/' });
  });

  it('accepts CT window presets, explicit windows and a disabled model cache', () => {
    expect(readConfig({ ctWindow: 'soft-tissue' }).ctWindow).toBe('soft-tissue');
    expect(readConfig({ ctWindow: { lower: -100, upper: 200 } }).ctWindow).toEqual({ lower: -100, upper: 200 });
    expect(readConfig({ modelCacheName: null }).modelCacheName).toBeNull();
  });

  it('normalisation: auto by default; ct, percentile or none for every image', () => {
    expect(DEFAULT_CONFIG.normalization).toBe('auto');
    expect(readConfig({ normalization: 'none' }).normalization).toBe('none');
    expect(() => readConfig({ normalization: 'minmax' })).toThrow(/medsam.normalization must be one of "auto", "ct", "percentile", "none"/);
  });

  it('3D lookahead: 2 embeddings ahead by default; 0 or more', () => {
    expect(DEFAULT_CONFIG.volume3dLookahead).toBe(2);
    expect(readConfig({ volume3dLookahead: 1 }).volume3dLookahead).toBe(1);
    expect(() => readConfig({ volume3dLookahead: -1 })).toThrow(/volume3dLookahead/);
  });

  it('embedding service settings: browser by default; service, auto, FP16/FP32, prefetch and the persistent cache', () => {
    expect(DEFAULT_CONFIG).toMatchObject({ encoderBackend: 'browser', embeddingDatatype: 'FP32', prefetch: true, prefetchSlices: 2, persistentEmbeddingCache: false });
    const c = readConfig({ encoderBackend: 'auto', embeddingServiceUrl: '/', embeddingModel: 'medsam_encoder', embeddingToken: 'secret-token', embeddingDatatype: 'FP16', prefetchSlices: 0, persistentEmbeddingCache: true });
    expect(c).toMatchObject({ encoderBackend: 'auto', embeddingServiceUrl: '/', embeddingModel: 'medsam_encoder', embeddingToken: 'secret-token', embeddingDatatype: 'FP16', prefetchSlices: 0, persistentEmbeddingCache: true });
    expect(readConfig({ encoderBackend: 'service', embeddingServiceUrl: 'https://triton.example/' }).encoderBackend).toBe('service');
  });

  it.each([
    [{ backends: ['cuda'] }, /backends/],
    [{ backends: [] }, /backends/],
    [{ threads: 0 }, /threads/],
    [{ embeddingCacheBytes: 1.5 }, /embeddingCacheBytes/],
    [{ ctWindow: { lower: 5, upper: 1 } }, /ctWindow/],
    [{ modelManifestUrl: '' }, /modelManifestUrl/],
    [{ encoderBackend: 'gpu' }, /encoderBackend/],
    [{ encoderBackend: 'service' }, /needs medsam.embeddingServiceUrl/],
    [{ embeddingDatatype: 'FP64' }, /embeddingDatatype/],
    [{ prefetchSlices: -1 }, /prefetchSlices/],
    [{ prefetch: 'yes' }, /prefetch/],
    [{ models: { name: 'a' } }, /medsam.models must be a list/],
    [{ models: [{ name: 'a' }] }, /medsam.models\[0\].manifestUrl must be a non-empty string/],
    [{ models: [{ name: 'a', manifestUrl: '/a.json', hint: '' }] }, /medsam.models\[0\].hint must be a non-empty string/],
    [{ models: [{ name: 'a', manifestUrl: '/a.json' }, { name: 'a', manifestUrl: '/b.json' }] }, /"a" is listed twice/],
    [{ models: [{ name: 'a', manifestUrl: '/a.json', embeddingModel: '' }] }, /medsam.models\[0\].embeddingModel must be a non-empty string/],
    [
      { embeddingModel: 'medsam_encoder', models: [{ name: 'a', manifestUrl: '/a.json', embeddingModel: 'a_encoder' }, { name: 'b', manifestUrl: '/b.json' }] },
      /embeddingModel "medsam_encoder" would be the service model of all 2 listed models; set embeddingModel on each entry .* \(missing on "b"\)/,
    ],
    ['nonsense', /object/],
  ])('refuses %j with a message naming the setting', (source, message) => {
    expect(() => readConfig(source)).toThrow(ConfigError);
    expect(() => readConfig(source)).toThrow(message);
  });
});
