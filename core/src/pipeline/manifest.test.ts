import { modelIdentity, parseManifest } from './manifest';

const sha = (c: string) => c.repeat(64);

function validManifest(): Record<string, unknown> {
  return {
    schema: 'medsam-ohif/model-manifest@1',
    name: 'example',
    version: '1',
    description: 'a manifest for tests',
    testModel: true,
    profile: 'medsam-stretch-1024',
    inputSize: 1024,
    embeddingDims: [1, 256, 64, 64],
    lowResSize: 256,
    encoder: { file: 'enc.onnx', sha256: sha('a'), inputFormat: 'float32-nchw', inputs: { image: 'image' }, outputs: { embedding: 'image_embeddings' } },
    decoder: {
      file: 'dec.onnx',
      sha256: sha('b'),
      contract: 'sam',
      inputs: { embedding: 'image_embeddings', pointCoords: 'point_coords', pointLabels: 'point_labels' },
      outputs: { lowResLogits: 'low_res_masks' },
      maskIndex: 0,
    },
  };
}

describe('parseManifest', () => {
  it('accepts a complete manifest', () => {
    const m = parseManifest(validManifest());
    expect(m.decoder.inputs.pointLabels).toBe('point_labels');
    expect(modelIdentity(m)).toBe('example@1+aaaaaaaaaaaa.bbbbbbbbbbbb');
  });

  const broken: [string, (m: Record<string, any>) => void, RegExp][] = [
    ['a wrong schema', (m) => (m.schema = 'v0'), /schema: must be "medsam-ohif\/model-manifest@1"/],
    ['an unknown profile', (m) => (m.profile = 'sam2'), /profile: must be one of/],
    ['an empty hash', (m) => (m.encoder.sha256 = ''), /encoder\.sha256: is missing: run models\/export/],
    ['a malformed hash', (m) => (m.decoder.sha256 = 'XYZ'), /decoder\.sha256: "XYZ" is not a lower-case hex SHA-256/],
    ['a missing decoder input role', (m) => delete m.decoder.inputs.pointCoords, /decoder\.inputs\.pointCoords: must be a non-empty string/],
    ['a bad mask index', (m) => (m.decoder.maskIndex = -1), /maskIndex: must be a non-negative integer \(MedSAM uses mask token 0\)/],
    ['bad embedding dims', (m) => (m.embeddingDims = [1, 256]), /embeddingDims: must be four positive integers/],
    ['no encoder', (m) => delete m.encoder, /encoder: must be an object/],
    ['an unknown input format', (m) => (m.encoder.inputFormat = 'rgb'), /encoder\.inputFormat/],
  ];

  it.each(broken)('names the problem for %s', (_name, mutate, message) => {
    const m = validManifest();
    mutate(m);
    expect(() => parseManifest(m)).toThrow(message);
  });

  it('refuses JSON that is not an object', () => {
    expect(() => parseManifest([1, 2])).toThrow(/must be an object/);
  });
});
