// config/triton must keep the contract the service and the client share; a drift would only show in a
// deployment, so it is checked here, for each model of the repository against a manifest of its profile.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { decoderMetadata, servedDecoder } from './models/servedDecoder';
import { modelMetadata, servedModel } from './models/servedModel';

const repoRoot = join(__dirname, '../..');
const block = (config: string, kind: 'input' | 'output') => new RegExp(`${kind} \\[\\s*\\{([^}]*)\\}`).exec(config)?.[1] ?? '';
const field = (text: string, name: string) => new RegExp(`${name}:\\s*"?([^"\\n]+)"?`).exec(text)?.[1]?.trim();
const dims = (text: string) => (/dims:\s*\[([^\]]*)\]/.exec(text)?.[1] ?? '').split(',').map((d) => Number(d.trim()));

// Each Triton model with a uint8 manifest of the same profile (the server's test model for ViT-B's 1024
// profile, the LiteMedSAM-profile test model for 256).
const CASES = [
  { model: 'medsam_encoder', manifest: 'server/test-models/manifest-u8.json', profile: 'medsam-stretch-1024', input: [1024, 1024] },
  { model: 'litemedsam_encoder', manifest: 'models/test-tiny-256/manifest_u8.json', profile: 'litemedsam-longest-256', input: [-1, -1] },
] as const;

describe.each(CASES)('config/triton/$model', ({ model, manifest: manifestPath, profile, input: inputShape }) => {
  const config = readFileSync(join(repoRoot, 'config/triton', model, 'config.pbtxt'), 'utf8');

  it('serves what the embedding server serves for the same manifest', () => {
    const manifest = parseManifest(JSON.parse(readFileSync(join(repoRoot, manifestPath), 'utf8')));
    expect(manifest.profile).toBe(profile);
    const served = modelMetadata(servedModel(manifest, 'x'));
    expect(served.inputs[0].shape).toEqual(inputShape);
    expect(field(config, 'name')).toBe(model);
    expect(field(config, 'platform')).toBe(served.platform);
    expect(field(config, 'max_batch_size')).toBe('0');
    const input = block(config, 'input');
    expect([field(input, 'name'), field(input, 'data_type'), dims(input)]).toEqual([served.inputs[0].name, 'TYPE_UINT8', served.inputs[0].shape]);
    const output = block(config, 'output');
    expect([field(output, 'name'), field(output, 'data_type'), dims(output)]).toEqual([served.outputs[0].name, 'TYPE_FP32', served.outputs[0].shape]);
    expect(config).toMatch(/instance_group\s*\[\s*\{\s*count:\s*1\s*kind:\s*KIND_(GPU|CPU)/);
  });

  it('has a version folder saying what to put in it', () => {
    expect(readFileSync(join(repoRoot, 'config/triton', model, '1/README.md'), 'utf8')).toContain(`config/triton/${model}/1/model.onnx`);
  });
});

/** Every tensor of an `input [...]` or `output [...]` list: name, data type, dims. */
function tensors(config: string, kind: 'input' | 'output'): [string | undefined, string | undefined, number[]][] {
  const list = new RegExp(`${kind} \\[([\\s\\S]*?)\\n\\]`).exec(config)?.[1] ?? '';
  return [...list.matchAll(/\{([^}]*)\}/g)].map((m) => [field(m[1], 'name'), field(m[1], 'data_type'), dims(m[1])]);
}

// The decoder as Triton serves it: the manifest's SAM decoder contract, embedding included (Triton keeps no
// embeddings), checked against the test model's decoder.onnx contract and the project's server's decoder model.
describe('config/triton/medsam_decoder', () => {
  const config = readFileSync(join(repoRoot, 'config/triton/medsam_decoder/config.pbtxt'), 'utf8');
  const manifest = parseManifest(JSON.parse(readFileSync(join(repoRoot, 'models/test-tiny/manifest_u8.json'), 'utf8')));
  const low = manifest.lowResSize;

  it("takes the decoder's ONNX inputs under the manifest's names, the embedding among them", () => {
    const i = manifest.decoder.inputs;
    expect([field(config, 'name'), field(config, 'platform'), field(config, 'max_batch_size')]).toEqual(['medsam_decoder', 'onnxruntime_onnx', '0']);
    expect(tensors(config, 'input')).toEqual([
      [i.embedding, 'TYPE_FP32', [...manifest.embeddingDims]],
      [i.pointCoords, 'TYPE_FP32', [1, -1, 2]],
      [i.pointLabels, 'TYPE_FP32', [1, -1]],
      [i.maskInput, 'TYPE_FP32', [1, 1, low, low]],
      [i.hasMaskInput, 'TYPE_FP32', [1]],
      [i.origImSize, 'TYPE_FP32', [2]],
    ]);
  });

  it("gives the same prompt inputs and logits as the project's server's decoder model", () => {
    const served = decoderMetadata(servedDecoder(servedModel(manifest, 'x')));
    const triton = tensors(config, 'input');
    for (const p of served.inputs) expect(triton).toContainEqual([p.name, `TYPE_${p.datatype}`, [...p.shape]]);
    expect(tensors(config, 'output')).toEqual(served.outputs.map((o) => [o.name, `TYPE_${o.datatype}`, [...o.shape]]));
    expect(config).toMatch(/instance_group\s*\[\s*\{\s*count:\s*1\s*kind:\s*KIND_(GPU|CPU)/);
    expect(readFileSync(join(repoRoot, 'config/triton/medsam_decoder/1/README.md'), 'utf8')).toContain('config/triton/medsam_decoder/1/model.onnx');
  });
});
