import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { PYDICOM_FILES, runCli, tempDir, TEST_MODEL } from '../support/cli';

const CT = join(PYDICOM_FILES, 'CT_small.dcm');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A private copy of the test model whose manifest and files a test may spoil. */
function modelCopy(mutate: (manifest: Record<string, any>, dir: string) => void): string {
  const dir = tempDir('medsam-model-');
  const manifest = JSON.parse(readFileSync(TEST_MODEL, 'utf8'));
  for (const part of ['encoder', 'decoder']) copyFileSync(join(dirname(TEST_MODEL), manifest[part].file), join(dir, manifest[part].file));
  mutate(manifest, dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return join(dir, 'manifest.json');
}

function segment(args: { model?: string; image?: string; box?: string; extra?: string[] }) {
  const out = join(tempDir(), 'mask.png');
  // --box=… so that a box starting with a minus sign is not read as another option.
  const run = runCli(['segment', '--model', args.model ?? TEST_MODEL, '--image', args.image ?? CT, `--box=${args.box ?? '30,40,90,100'}`, '--out', out, ...(args.extra ?? [])]);
  return { ...run, wroteMask: existsSync(out) };
}

describe('medsam: bad boxes (exit 3, nothing written)', () => {
  it.each([
    ['zero area', '40,40,40,90', /zero area/],
    ['wholly outside the image', '200,200,260,260', /wholly outside the 128×128 image/],
    ['not four numbers', '1,2,3', /four numbers/],
  ])('%s', (_name, box, message) => {
    const r = segment({ box });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.wroteMask).toBe(false);
  });

  it('clamps a box that is partly outside and says so', () => {
    const r = segment({ box: '-20,40,90,300', extra: ['--json'] });
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.box.clamped).toBe(true);
    expect(summary.box.used).toEqual({ x0: 0, y0: 40, x1: 90, y1: 127 });
  });
});

describe('medsam: bad images (exit 3)', () => {
  it.each([
    ['a missing file', '/nonexistent/scan.dcm', /file not found/],
    ['a text file', __filename, /unsupported file format/],
    ['a DICOM object without pixel data (RT Plan)', join(PYDICOM_FILES, 'rtplan.dcm'), /no pixel data/],
  ])('%s', (_name, image, message) => {
    const r = segment({ image });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.wroteMask).toBe(false);
  });

  it('a truncated DICOM file', () => {
    const path = join(tempDir(), 'truncated.dcm');
    writeFileSync(path, readFileSync(CT).subarray(0, 3000));
    const r = segment({ image: path });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/truncated|incomplete|too short/i);
  });
});

describe('medsam: bad models (exit 4, named problem)', () => {
  it('a missing manifest', () => {
    const r = segment({ model: '/nonexistent/manifest.json' });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/cannot read model manifest \/nonexistent\/manifest.json/);
  });

  it('a manifest that is not valid JSON', () => {
    const path = join(tempDir(), 'manifest.json');
    writeFileSync(path, '{ "schema": ');
    const r = segment({ model: path });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/not valid JSON/);
  });

  it('a missing model file', () => {
    const r = segment({ model: modelCopy((m) => (m.decoder.file = 'gone.onnx')) });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/cannot read the decoder file "gone.onnx"/);
  });

  it('a model file whose hash does not match (a flipped byte)', () => {
    const model = modelCopy((m, dir) => {
      const path = join(dir, m.encoder.file);
      const bytes = readFileSync(path);
      bytes[bytes.length >> 1] ^= 0xff;
      writeFileSync(path, bytes);
    });
    const r = segment({ model });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/encoder file ".*" .* has SHA-256 [0-9a-f]{64}, but model medsam-ohif-test-tiny expects [0-9a-f]{64}/);
  });

  it('a corrupt model file with a matching hash (not ONNX at all)', () => {
    const model = modelCopy((m, dir) => {
      const junk = Buffer.from('this is not an ONNX model'.repeat(100));
      writeFileSync(join(dir, m.decoder.file), junk);
      m.decoder.sha256 = sha256(junk);
    });
    const r = segment({ model });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/onnxruntime-node\/cpu cannot open the decoder file/);
  });

  it('wrong input/output names in the manifest', () => {
    const inputs = segment({ model: modelCopy((m) => (m.decoder.inputs.pointCoords = 'coords')) });
    expect(inputs.status).toBe(4);
    expect(inputs.stderr).toMatch(/decoder has no input named "coords".*the model has: .*point_coords/);
    const outputs = segment({ model: modelCopy((m) => (m.encoder.outputs.embedding = 'features')) });
    expect(outputs.status).toBe(4);
    expect(outputs.stderr).toMatch(/encoder has no output named "features"/);
  });

  it('a decoder asked for a mask index it does not have', () => {
    const r = segment({ model: modelCopy((m) => (m.decoder.maskIndex = 3)) });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/holds 1 mask\(s\) but the manifest asks for mask index 3/);
  });

  it('the real MedSAM manifest without exported files explains what to do', () => {
    const r = segment({ model: join(dirname(TEST_MODEL), '..', 'medsam-vit-b', 'manifest.json') });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/models\/export\/export_medsam.py/);
  });
});

describe('medsam: usage errors (exit 2)', () => {
  it.each([
    [['segment', '--image', CT, '--box', '1,2,3,4', '--out', 'x.png'], /missing --model/],
    [['segment', '--model', TEST_MODEL, '--image', CT, '--out', 'x.png'], /missing --box/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['segment', '--model', TEST_MODEL, '--image', CT, '--box', '1,2,3,4', '--out', 'x.png', '--window', '9,3'], /--window must be/],
  ])('%j', (args, message) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
