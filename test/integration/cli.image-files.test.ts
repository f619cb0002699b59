import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readPng } from '../../core/src/io/png';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { prepareImage } from '../../core/src/pipeline/predictor';
import { readMaskPng, ROOT, runCli, tempDir, TEST_MODEL } from '../support/cli';
import { fixturePath, readGzFixture, readJsonFixture } from '../support/fixtures';

// 8-bit picture files go in as they are, as MedSAM_Inference.py reads them (io.imread, resize, nothing else).
// Fixtures: test/fixtures/imagefile/make_imagefile_fixtures.py.
interface ImageFileIndex {
  readonly rows: number;
  readonly columns: number;
  readonly grey: string;
  readonly rgb: string;
  readonly medsam1024: { readonly file: string; readonly min: number; readonly max: number };
  readonly liverBox: readonly [number, number, number, number];
}

const index = readJsonFixture<ImageFileIndex>('imagefile', 'index.json');
const GREY = fixturePath('imagefile', index.grey);
const RGB = fixturePath('imagefile', index.rgb);
const manifest = parseManifest(JSON.parse(readFileSync(TEST_MODEL, 'utf8')));

/** The reference's encoder input: its resized uint8 HWC image, min-max to [0, 1] (float64, then float32), NCHW. */
function referenceTensor(): Float32Array {
  const hwc = readGzFixture('imagefile', index.medsam1024.file);
  const { min, max } = index.medsam1024;
  const plane = 1024 * 1024;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[c * plane + p] = (hwc[3 * p + c] - min) / Math.max(max - min, 1e-8);
  return out;
}

function readNpyFloat32(path: string): Float32Array {
  const bytes = readFileSync(path);
  const body = bytes.subarray(10 + bytes.readUInt16LE(8));
  return new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
}

const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));

describe('8-bit picture files are used as they are (MedSAM_Inference.py)', () => {
  const dir = tempDir();

  it('a grey PNG: rule "none", and the encoder input equals the reference preparation sample for sample', () => {
    const image = readPng(readFileSync(GREY));
    expect(image).toMatchObject({ rows: index.rows, columns: index.columns, samplesPerPixel: 1, eightBitFile: true });
    const prepared = prepareImage(image, manifest, { kind: 'auto' }, 'exact');
    expect(prepared.normalization).toEqual({ rule: 'none' });
    const want = referenceTensor();
    const got = prepared.encoderInput.data as Float32Array;
    expect(got.length).toBe(want.length);
    let differing = 0;
    for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) differing++;
    expect(differing).toBe(0);
    // The old rule for such files (percentiles of the non-zero pixels) gives another input: the test can tell.
    const percentile = prepareImage(image, manifest, { kind: 'percentile' }, 'exact').encoderInput.data as Float32Array;
    expect(sameBits(percentile, want)).toBe(false);
  });

  it('medsam embed on the grey PNG gives the encoder output of the reference input, bit for bit', () => {
    const out = join(dir, 'grey.npy');
    const run = runCli(['embed', '--model', TEST_MODEL, '--image', GREY, '--out', out, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).normalization).toMatchObject({ rule: 'none' });
    // The encoder run by itself (models/export/ort_run.cjs, onnxruntime-node) on the reference's own input.
    const input = join(dir, 'reference-input.bin');
    writeFileSync(input, Buffer.from(referenceTensor().buffer));
    const job = join(dir, 'job.json');
    const { image: inputName } = manifest.encoder.inputs;
    const model = join(dirname(TEST_MODEL), manifest.encoder.file);
    writeFileSync(job, JSON.stringify({ model, feeds: { [inputName]: { file: input, type: 'float32', dims: [1, 3, 1024, 1024] } }, outputs: [manifest.encoder.outputs.embedding], outDir: join(dir, 'ort') }));
    const ort = spawnSync(process.execPath, [join(ROOT, 'models', 'export', 'ort_run.cjs'), job], { encoding: 'utf8' });
    expect(ort.stderr).toBe('');
    const reference = readFileSync(join(dir, 'ort', '0.bin'));
    expect(sameBits(readNpyFloat32(out), new Float32Array(reference.buffer.slice(reference.byteOffset, reference.byteOffset + reference.byteLength)))).toBe(true);
  });

  it('medsam segment: the grey PNG and the same pixels saved as RGB give the same mask', () => {
    const box = index.liverBox.join(',');
    const results = [GREY, RGB].map((image, i) => {
      const out = join(dir, `mask-${i}.png`);
      const run = runCli(['segment', '--model', TEST_MODEL, '--image', image, '--box', box, '--out', out, '--threads', '1', '--json']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      return { summary: JSON.parse(run.stdout), mask: readMaskPng(out) };
    });
    expect(results.map((r) => r.summary.normalization.rule)).toEqual(['none', 'rgb']);
    expect(results[0].summary.mask.areaPixels).toBeGreaterThan(500);
    expect(Buffer.from(results[0].mask.data).equals(Buffer.from(results[1].mask.data))).toBe(true);
  });

  it('--normalization none refuses a CT whose stored values do not fit 8 bits, in plain words', () => {
    const run = runCli(['segment', '--model', TEST_MODEL, '--image', '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm', '--box', '30,40,90,100', '--out', join(dir, 'x.png'), '--normalization', 'none']);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/normalisation "none" uses the stored values as they are and needs whole numbers from 0 to 255/);
  });
});
