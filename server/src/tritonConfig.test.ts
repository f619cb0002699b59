// config/triton must keep the contract the service and the client share; a drift would only show in a
// deployment, so it is checked here, for each model of the repository against a manifest of its profile.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
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
