// config/triton must keep the contract the service and the client share; a drift would only show in a
// deployment, so it is checked here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { modelMetadata, servedModel } from './models/servedModel';

const config = readFileSync(join(__dirname, '../../config/triton/medsam_encoder/config.pbtxt'), 'utf8');
const block = (kind: 'input' | 'output') => new RegExp(`${kind} \\[\\s*\\{([^}]*)\\}`).exec(config)?.[1] ?? '';
const field = (text: string, name: string) => new RegExp(`${name}:\\s*"?([^"\\n]+)"?`).exec(text)?.[1]?.trim();
const dims = (text: string) => (/dims:\s*\[([^\]]*)\]/.exec(text)?.[1] ?? '').split(',').map((d) => Number(d.trim()));

it('config/triton/medsam_encoder serves what the embedding server serves', () => {
  const manifest = parseManifest(JSON.parse(readFileSync(join(__dirname, '../test-models/manifest-u8.json'), 'utf8')));
  const served = modelMetadata(servedModel(manifest, 'x'));
  expect(field(config, 'name')).toBe('medsam_encoder');
  expect(field(config, 'platform')).toBe(served.platform);
  expect(field(config, 'max_batch_size')).toBe('0');
  const input = block('input');
  expect([field(input, 'name'), field(input, 'data_type'), dims(input)]).toEqual([served.inputs[0].name, 'TYPE_UINT8', served.inputs[0].shape]);
  const output = block('output');
  expect([field(output, 'name'), field(output, 'data_type'), dims(output)]).toEqual([served.outputs[0].name, 'TYPE_FP32', served.outputs[0].shape]);
  expect(config).toMatch(/instance_group\s*\[\s*\{\s*count:\s*1\s*kind:\s*KIND_(GPU|CPU)/);
});
