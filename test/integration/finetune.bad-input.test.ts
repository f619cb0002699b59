// Bad input to the fine-tuning loop (issue 12): each is a clear error or a reported skip that names the object.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CLI, ROOT, runCli, tempDir, TEST_MODEL, type CliRun } from '../support/cli';
import { BODY_SEG, makePhantomStudies, writePhantomSeg, type PhantomStudy, type SegSpec } from '../support/finetunePhantoms';

const PY = '/usr/bin/python3';
const work = tempDir('medsam-finetune-bad-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const python = (args: string[]) => spawnSync(PY, args, { encoding: 'utf8', cwd: ROOT, timeout: 300_000 });
const dataset = (args: string[]) => runCli(['dataset', '--model', TEST_MODEL, '--json', '--quiet', ...args]);
/** The CLI without blocking this process: the stub PACS below runs in it. */
function datasetAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'dataset', '--model', TEST_MODEL, '--json', '--quiet', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}
const skippedOf = (stdout: string) => (JSON.parse(stdout) as { skipped: { object: string; reason: string }[] }).skipped;

/** One patient, two slices, BODY in its own SEG: a fresh copy per test so each can break it its own way. */
let template: { dir: string; study: PhantomStudy };
beforeAll(() => {
  const dir = join(work, 'template');
  const [study] = makePhantomStudies(dir, [5], [16, 24]);
  writePhantomSeg(dir, study, BODY_SEG, 1);
  template = { dir, study };
});
function copy(name: string): string {
  const dir = join(work, name);
  cpSync(template.dir, dir, { recursive: true });
  return dir;
}

describe('medsam dataset', () => {
  it('a PACS that is down: stops with the URL, writes nothing, says to run again', () => {
    const out = join(work, 'down');
    const r = dataset(['--dicomweb', 'http://127.0.0.1:9/dicom-web', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the PACS at http:\/\/127\.0\.0\.1:9\/dicom-web cannot be reached \(the search for SEG series/);
    expect(r.stderr).toMatch(/run the same command again to resume/);
    expect(existsSync(join(out, 'dataset.json'))).toBe(false);
  });

  describe('a PACS that refuses', () => {
    let server: Server;
    let url: string;
    const seen: (string | undefined)[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(req.headers.authorization === 'Bearer good' ? 503 : 401).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('a wrong token: names the PACS and the HTTP status, and points at --token', async () => {
      const r = await datasetAsync(['--dicomweb', url, '--token', 'bad', '--out', join(work, 'refused')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`the PACS at ${url} refused the search for SEG series (HTTP 401): check --token`);
      expect(seen).toContain('Bearer bad');
    });
    it('a failing PACS (503): stops, resumable', async () => {
      const r = await datasetAsync(['--dicomweb', url, '--token', 'good', '--out', join(work, 'failing')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/failed the search for SEG series \(HTTP 503/);
    });
  });

  it('a SEG whose source image is missing: that slice is skipped and listed by SOP Instance UID', () => {
    const dir = copy('missing');
    unlinkSync(join(dir, template.study.slices[0].file));
    const r = dataset(['--folder', dir, '--out', join(dir, 'out')]);
    expect(r.status).toBe(0);
    const skipped = skippedOf(r.stdout);
    expect(skipped).toHaveLength(1);
    expect(skipped[0].object).toContain(`source image ${template.study.slices[0].sopInstanceUID}`);
    expect(skipped[0].reason).toMatch(/source image is missing/);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'dataset.json'), 'utf8'));
    expect(manifest.cases[0].slices.map((s: { sopInstanceUID: string }) => s.sopInstanceUID)).toEqual([template.study.slices[1].sopInstanceUID]);
    expect(manifest.skipped).toEqual(skipped);
  });

  it('an empty segment: skipped and named, the other segment kept', () => {
    const dir = copy('empty');
    const spec: SegSpec = { file: 'seg-two.dcm', segments: [...BODY_SEG.segments, { label: 'Nothing', target: 'tissue', mask: () => false }] };
    unlinkSync(join(dir, template.study.patientId, BODY_SEG.file));
    writePhantomSeg(dir, template.study, spec, 3);
    const r = dataset(['--folder', dir, '--out', join(dir, 'out')]);
    expect(r.status).toBe(0);
    const skipped = skippedOf(r.stdout);
    expect(skipped).toEqual([{ object: expect.stringMatching(/seg-two\.dcm segment 2 "Nothing"$/), reason: 'empty segment: it has no voxel on any frame' }]);
    expect(JSON.parse(r.stdout).cases).toBe(1);
  });

  it('mismatched geometry: a source image moved since the SEG was made is refused, naming both', () => {
    const dir = copy('moved');
    const file = join(dir, template.study.slices[1].file);
    const p = python(['-c', 'import pydicom, sys; d = pydicom.dcmread(sys.argv[1]); d.ImagePositionPatient[2] += 5; d.save_as(sys.argv[1])', file]);
    expect(p.stderr).toBe('');
    const r = dataset(['--folder', dir, '--out', join(dir, 'out')]);
    expect(r.status).toBe(3); // nothing usable left
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'dataset.json'), 'utf8'));
    expect(manifest.skipped).toEqual([
      { object: expect.stringMatching(/seg-body\.dcm$/), reason: expect.stringMatching(new RegExp(`mismatched geometry: a SEG frame lies at .* but its source image ${template.study.slices[1].sopInstanceUID.replace(/\./g, '\\.')} at .*5\\.00 mm apart`)) },
    ]);
  });

  it('resuming into a dataset made with another encoder is refused', () => {
    const dir = copy('other-encoder');
    const out = join(dir, 'out');
    expect(dataset(['--folder', dir, '--out', out]).status).toBe(0);
    const r = runCli(['dataset', '--model', join(ROOT, 'models/test-tiny/manifest_u8.json'), '--folder', dir, '--out', out]);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain(`${join(out, 'dataset.json')} holds embeddings from another encoder (encoder SHA-256 baee63106c76…`);
  });

  it('an interrupted run resumes: written cases are kept, not recomputed', () => {
    const dir = copy('resume');
    const out = join(dir, 'out');
    const first = JSON.parse(dataset(['--folder', dir, '--out', out]).stdout);
    const again = JSON.parse(dataset(['--folder', dir, '--out', out]).stdout);
    expect(first).toMatchObject({ casesWritten: 1, casesKept: 0 });
    expect(again).toMatchObject({ casesWritten: 0, casesKept: 1, cases: 1 });
    expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});

describe('models/finetune', () => {
  let data: string;
  beforeAll(() => {
    data = join(work, 'train-data');
    expect(dataset(['--folder', template.dir, '--out', data]).status).toBe(0);
  });

  it('refuses a dataset whose embeddings come from another encoder, naming both', () => {
    const r = python(['models/finetune/train.py', '--dataset', data, '--model', join(ROOT, 'models/test-tiny/manifest_u8.json'), '--out', join(work, 'run-u8')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(data, 'dataset.json')}: its embeddings come from another encoder`);
    expect(r.stderr).toMatch(/encoder SHA-256 baee63106c76….*encoder f9cd357f350f…/);
  });

  it('refuses a corrupt starting checkpoint, naming the file', () => {
    const modelDir = join(work, 'corrupt-model');
    cpSync(join(ROOT, 'models/test-tiny'), modelDir, { recursive: true });
    writeFileSync(join(modelDir, 'decoder.onnx'), readFileSync(join(modelDir, 'decoder.onnx')).subarray(0, 5000));
    const r = python(['models/finetune/train.py', '--dataset', data, '--model', join(modelDir, 'manifest.json'), '--out', join(work, 'run-corrupt'), '--epochs', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(modelDir, 'decoder.onnx')}: not a readable ONNX model`);
  });

  it('refuses a changed case file (its hash is in dataset.json)', () => {
    const changed = join(work, 'changed-data');
    cpSync(data, changed, { recursive: true });
    const file = readdirSync(changed).find((f) => f.endsWith('.npz'))!;
    const bytes = readFileSync(join(changed, file));
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(join(changed, file), bytes);
    const r = python(['models/finetune/train.py', '--dataset', changed, '--model', TEST_MODEL, '--out', join(work, 'run-changed')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(changed, file)}: changed since \`medsam dataset\` wrote it`);
  });

  it('export refuses a corrupt fine-tuned checkpoint, naming it', () => {
    const runDir = join(work, 'run-ok');
    const t = python(['models/finetune/train.py', '--dataset', data, '--model', TEST_MODEL, '--out', runDir, '--epochs', '1', '--threads', '2']);
    expect(t.stderr).toBe('');
    writeFileSync(join(runDir, 'decoder_state.pt'), 'not a checkpoint');
    const r = python(['models/finetune/export.py', '--run', runDir, '--out', join(work, 'model-bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(runDir, 'decoder_state.pt')}: not a usable decoder checkpoint`);
  });

  it('refuses --epochs 0: there would be nothing but the starting decoder to export', () => {
    const r = python(['models/finetune/train.py', '--dataset', data, '--model', TEST_MODEL, '--out', join(work, 'run-0'), '--epochs', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--epochs must be at least 1 (got 0)');
    expect(existsSync(join(work, 'run-0'))).toBe(false);
  });

  describe('two patients', () => {
    let twoDir: string;
    beforeAll(() => {
      twoDir = join(work, 'two-patients');
      for (const study of makePhantomStudies(twoDir, [5, 6], [16])) writePhantomSeg(twoDir, study, BODY_SEG, 1);
    });

    it('--validation-fraction 0 puts nobody in validation, and training runs without it', () => {
      const out = join(work, 'two-no-validation');
      expect(dataset(['--folder', twoDir, '--out', out, '--validation-fraction', '0']).status).toBe(0);
      const split = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')).split;
      expect(split).toMatchObject({ validationFraction: 0, validation: [] });
      expect(split.train).toHaveLength(2);
      const runDir = join(work, 'run-no-validation');
      const t = python(['models/finetune/train.py', '--dataset', out, '--model', TEST_MODEL, '--out', runDir, '--epochs', '1', '--threads', '2']);
      expect(t.stderr).toBe('');
      expect(t.status).toBe(0);
      expect(t.stdout).toContain('no validation patients: all 1 epochs run (no early stop) and the last is kept');
      expect(JSON.parse(readFileSync(join(runDir, 'training.json'), 'utf8'))).toMatchObject({ bestEpoch: 1, validationSlices: 0, best: null });
    });

    it('a run where no epoch beats the starting decoder (lr 0) says so, exits 3, and export refuses it', () => {
      const out = join(work, 'two-validated');
      expect(dataset(['--folder', twoDir, '--out', out]).status).toBe(0);
      expect(JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')).split.validation).toHaveLength(1);
      const runDir = join(work, 'run-unchanged');
      const t = python(['models/finetune/train.py', '--dataset', out, '--model', TEST_MODEL, '--out', runDir, '--epochs', '2', '--lr', '0', '--threads', '2']);
      expect(t.status).toBe(3);
      expect(t.stderr).toMatch(/^train\.py: no epoch improved on the starting decoder's validation Dice \((\d\.\d{4}); the best of 2 epoch\(s\) reached \1\)/);
      expect(t.stderr).toContain(`so ${runDir} holds the starting decoder unchanged and export.py will refuse it`);
      const e = python(['models/finetune/export.py', '--run', runDir, '--out', join(work, 'model-unchanged')]);
      expect(e.status).toBe(2);
      expect(e.stderr).toContain(`${join(runDir, 'training.json')}: no epoch of this run improved on the starting decoder (best epoch 0`);
      expect(existsSync(join(work, 'model-unchanged'))).toBe(false);
    });
  });
});
