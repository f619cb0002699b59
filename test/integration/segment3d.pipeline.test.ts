/**
 * `segment3d --pipeline` (the encoder in a thread of its own, embedding the next slice while the decoder runs
 * on this one) gives the same voxels as the sequential run, with the real test model (not MedSAM) on the CT
 * phantom, natively and with onnxruntime-web's WASM build (what the browser runs). Natively both also equal
 * the Python transcription of MedSAM's reference 3D protocol (test/fixtures/volume). ~1 min here.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNiftiVolume } from '../../core/src/io/readNifti';
import { ROOT, runCli, tempDir, TEST_MODEL } from '../support/cli';
import { asUint8, readGzFixture, readJsonFixture } from '../support/fixtures';
import { int16VolumeToNifti } from '../support/nifti';
import { readNpy } from '../support/npy';

interface ReferenceCase {
  organ: string;
  box: [number, number, number, number];
  range: [number, number];
  order: number[];
  mask: string;
}
const reference = readJsonFixture<{ seed: number; shape: [number, number, number]; cases: ReferenceCase[] }>('volume', 'phantom_reference.json');
const [SLICES, ROWS, COLUMNS] = reference.shape;
// The shortest range (10 slices), so that the WASM runs stay short.
const c = reference.cases.find((k) => k.organ === 'liver_lesion')!;

const dir = tempDir('medsam-3d-pipeline-');
let niftiPath: string;

beforeAll(() => {
  execFileSync('/usr/bin/python3', [join(ROOT, 'models/testing/phantom.py'), '--seed', String(reference.seed), '--shape', ...reference.shape.map(String), '--out', join(dir, 'phantom')]);
  const hu = readNpy(join(dir, 'phantom', 'hu.npy')).data as Int16Array;
  niftiPath = join(dir, 'ct.nii');
  writeFileSync(niftiPath, int16VolumeToNifti(hu, SLICES, ROWS, COLUMNS, [1.5625, 1.5625, 5]));
}, 120_000);

function segment3d(backend: 'node' | 'wasm', pipeline: boolean) {
  const out = join(dir, `${backend}-${pipeline ? 'pipelined' : 'sequential'}.nii`);
  const run = runCli(['segment3d', '--model', TEST_MODEL, '--series', niftiPath, '--normalization', 'ct', '--box', c.box.join(','), '--range', c.range.join(','), '--backend', backend, '--threads', '1', '--out', out, '--json', ...(pipeline ? ['--pipeline'] : [])]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const summary = JSON.parse(run.stdout);
  expect(summary.order).toEqual(c.order);
  return { voxels: readNiftiVolume(readFileSync(out)).voxels as Uint8Array, summary };
}

const differing = (a: Uint8Array, b: Uint8Array) => {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
};

it.each(['node', 'wasm'] as const)('%s: --pipeline gives the same voxels as the sequential run', (backend) => {
  const sequential = segment3d(backend, false);
  const pipelined = segment3d(backend, true);
  expect(pipelined.voxels.length).toBe(SLICES * ROWS * COLUMNS);
  expect(pipelined.summary.mask.voxels).toBeGreaterThan(0);
  expect(differing(pipelined.voxels, sequential.voxels)).toBe(0);
  expect(pipelined.summary.timingsMs.encoder).toBeGreaterThan(0);
  if (backend === 'node') expect(differing(pipelined.voxels, asUint8(readGzFixture('volume', c.mask)))).toBe(0);
}, 240_000);

it('a model that cannot be opened in the encoder thread fails in plain words', () => {
  // The test model with every file named by its absolute path, and a wrong hash for the encoder.
  const manifest = JSON.parse(readFileSync(TEST_MODEL, 'utf8'), (key, value) => (key === 'file' ? join(ROOT, 'models/test-tiny', value) : value));
  manifest.encoder.sha256 = '0'.repeat(64);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify(manifest));
  const run = runCli(['segment3d', '--model', broken, '--series', niftiPath, '--box', c.box.join(','), '--range', c.range.join(','), '--out', join(dir, 'x.nii'), '--pipeline']);
  expect(run.status).toBe(4);
  expect(run.stderr).toMatch(/encoder/i);
}, 120_000);
