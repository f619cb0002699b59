import { compactInputProblem, compactInputShape } from './compactInput';
import { parseManifest } from './manifest';
import { checkEncoderContract } from './modelContract';
import type { ModelManifest } from './manifestTypes';
import { prepareEncoderInput } from './preprocess';
import { buildEncoderInput } from './resize';

const manifest = (profile: ModelManifest['profile'], inputSize: number): ModelManifest =>
  parseManifest({
    schema: 'medsam-ohif/model-manifest@1',
    name: 'tiny',
    version: '1',
    description: 'test',
    testModel: true,
    profile,
    inputSize,
    embeddingDims: [1, 4, 2, 2],
    lowResSize: 4,
    encoder: { file: 'e.onnx', sha256: 'a'.repeat(64), inputFormat: 'uint8-hw', inputs: { image: 'image_u8' }, outputs: { embedding: 'e' } },
    decoder: { file: 'd.onnx', sha256: 'b'.repeat(64), contract: 'box', inputs: { embedding: 'e', box: 'box' }, outputs: { lowResLogits: 'l' }, maskIndex: 0 },
  });

describe('compact uint8 input', () => {
  it('is [S, S] for MedSAM and variable for LiteMedSAM', () => {
    expect(compactInputShape('medsam-stretch-1024', 1024)).toEqual([1024, 1024]);
    expect(compactInputShape('litemedsam-longest-256', 256)).toEqual([-1, -1]);
  });

  it('accepts exactly the sizes the profile resizes to', () => {
    expect(compactInputProblem([1024, 1024], 'medsam-stretch-1024', 1024)).toBeUndefined();
    expect(compactInputProblem([1024, 700], 'medsam-stretch-1024', 1024)).toMatch(/is \[1024, 1024\], got \[1024, 700\]/);
    for (const ok of [[256, 256], [256, 1], [171, 256]]) expect(compactInputProblem(ok, 'litemedsam-longest-256', 256)).toBeUndefined();
    for (const bad of [[255, 255], [257, 100], [256, 300], [0, 256], [256]]) {
      expect(compactInputProblem(bad, 'litemedsam-longest-256', 256)).toMatch(/longest side 256|2-D with positive sides/);
    }
  });

  it('LiteMedSAM: the resized image goes out unpadded, and the core pads only after min–max', () => {
    // A 60×90 grey image whose darkest pixel is 40: padding zeros must not become the minimum.
    const data = Uint8Array.from({ length: 60 * 90 }, (_, i) => 40 + (i % 97));
    const image = { rows: 60, columns: 90, channels: 1 as const, data };
    const { tensor } = prepareEncoderInput(image, manifest('litemedsam-longest-256', 32));
    expect(tensor.type).toBe('uint8');
    expect(tensor.dims).toEqual([21, 32]); // int(60 · 32/90 + 0.5) = 21 rows, longest side 32
    const float = buildEncoderInput(image, 'litemedsam-longest-256', 32);
    expect([...tensor.data]).toEqual([...float.resized.data]);
    // The float tensor (what the wrapped graph must reproduce): 0 at the darkest real pixel, 1 at the
    // brightest, zeros below row 21.
    const plane = float.data.subarray(0, 32 * 32);
    const real = plane.filter((_, i) => Math.floor(i / 32) < 21);
    expect([Math.min(...real), Math.max(...real)]).toEqual([0, 1]);
    expect(plane.subarray(21 * 32).every((v) => v === 0)).toBe(true);
  });

  it('MedSAM: the compact image is the whole [S, S] grid, as before', () => {
    const data = Uint8Array.from({ length: 20 * 30 }, (_, i) => i % 251);
    const { tensor } = prepareEncoderInput({ rows: 20, columns: 30, channels: 1, data }, manifest('medsam-stretch-1024', 16));
    expect(tensor.dims).toEqual([16, 16]);
    expect(tensor.data).toHaveLength(256);
  });

  it('a LiteMedSAM uint8 encoder must take variable sides; a fixed [S, S] one (padded grid) is refused at load', () => {
    const session = (shape: (number | string)[]) => ({
      inputs: [{ name: 'image_u8', shape }],
      outputs: [{ name: 'e', shape: [1, 4, 2, 2] }],
      run: () => Promise.reject(new Error('not run')),
      release: () => Promise.resolve(),
    });
    const lite = manifest('litemedsam-longest-256', 256);
    expect(() => checkEncoderContract(session(['rows', 'columns']), lite.encoder, lite)).not.toThrow();
    expect(() => checkEncoderContract(session([256, 256]), lite.encoder, lite)).toThrow(/fixed shape \[256, 256\].*wrap the float32 encoder again/);
    const medsam = manifest('medsam-stretch-1024', 1024);
    expect(() => checkEncoderContract(session([1024, 1024]), medsam.encoder, medsam)).not.toThrow();
  });
});
