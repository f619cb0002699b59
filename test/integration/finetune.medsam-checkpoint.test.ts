// Fine-tuning from a MedSAM .pth (issue 12, item 2) without MedSAM's code: a checkpoint in MedSAM's format (SAM's
// image_encoder.*, prompt_encoder.*, mask_decoder.* keys) built from the project's own modules with seeded weights,
// one epoch of models/finetune/train.py from it, export.py → a decoder.onnx the product loads with the contract
// checks of a MedSAM export. The mapping of SAM's keys onto the project's module is checked against SAM's key list
// and SAM's own outputs by models/finetune/tests (run first).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readMaskPng, ROOT, runCli, tempDir, TEST_MODEL } from '../support/cli';
import { BODY_SEG, makePhantomStudies, writePhantomSeg, type PhantomStudy } from '../support/finetunePhantoms';

const PY = '/usr/bin/python3';
const work = tempDir('medsam-finetune-pth-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function python(args: string[]) {
  const r = spawnSync(PY, ['-B', ...args], { encoding: 'utf8', cwd: ROOT, timeout: 900_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

it('SAM key layout: the unittests of models/finetune/tests pass (SAM keys and logits from fixtures, no MedSAM clone)', () => {
  const r = python(['-m', 'unittest', 'discover', '-v', '-s', join(ROOT, 'models', 'finetune', 'tests')]);
  expect(r.stderr).toMatch(/\nOK/);
  // Only the check of the fixtures against segment_anything itself needs a clone (MEDSAM_REPO).
  if (!process.env.MEDSAM_REPO) expect(r.stderr).toMatch(/OK \(skipped=2\)/);
}, 900_000);

describe('a MedSAM-format checkpoint', () => {
  const checkpoint = join(work, 'medsam_format.pth');
  const parent = join(work, 'parent');
  const dataset = join(work, 'dataset');
  const run = join(work, 'run');
  const child = join(work, 'child');
  let study: PhantomStudy;

  beforeAll(() => {
    const pacs = join(work, 'pacs');
    const studies = makePhantomStudies(pacs, [33], [16, 24]); // one patient: no validation split
    for (const s of studies) writePhantomSeg(pacs, s, BODY_SEG, 1);
    study = studies[0];
    const d = runCli(['dataset', '--model', TEST_MODEL, '--folder', pacs, '--out', dataset, '--json', '--quiet']);
    if (d.status !== 0) throw new Error(d.stderr);
    const made = JSON.parse(python(['test/support/medsam_format_checkpoint.py', 'make', checkpoint, parent]).stdout);
    expect(made.imageEncoderKeys).toBeGreaterThan(0);
    expect(made.keys).toBe(made.imageEncoderKeys + 137); // SAM ViT-B's 137 prompt-encoder and mask-decoder tensors
  }, 600_000);

  it('trains one epoch from it, only the mask decoder, and exports a decoder with the same contract', () => {
    const t = python(['models/finetune/train.py', '--dataset', dataset, '--model', join(parent, 'manifest.json'), '--checkpoint', checkpoint, '--out', run, '--epochs', '1', '--batch', '2', '--threads', '2', '--seed', '0']);
    // No validation patients: the epoch trained is the one kept (with them, an epoch no better than the start is dropped).
    expect(t.stdout).toMatch(/training medsam decoder on 2 slices \(1 patients\), validating on 0 \(0 patients\)/);
    const record = JSON.parse(readFileSync(join(run, 'training.json'), 'utf8'));
    expect(record).toMatchObject({ decoderKind: 'medsam', steps: 1, bestEpoch: 1, checkpointSha256: sha(checkpoint), checkpoint: resolve(checkpoint) });

    python(['models/finetune/export.py', '--run', run, '--out', child]);
    const parentManifest = JSON.parse(readFileSync(join(parent, 'manifest.json'), 'utf8'));
    const childManifest = JSON.parse(readFileSync(join(child, 'manifest.json'), 'utf8'));
    expect(childManifest.decoder).toMatchObject({ contract: 'sam', inputs: parentManifest.decoder.inputs, outputs: parentManifest.decoder.outputs, maskIndex: 0 });
    expect(childManifest.decoder.sha256).toBe(sha(join(child, 'decoder.onnx')));
    expect(childManifest.decoder.sha256).not.toBe(parentManifest.decoder.sha256);
    expect(childManifest.encoder.file).toBe('../parent/encoder.onnx'); // shared, not copied
    expect(childManifest.parent).toMatchObject({ name: 'medsam-format-test', decoderSha256: parentManifest.decoder.sha256 });
    expect(childManifest.finetune).toMatchObject({ decoderKind: 'medsam', datasetManifestSha256: sha(join(dataset, 'dataset.json')) });

    // The ONNX graphs have the same inputs and outputs (names, types, shapes) as the parent's SAM export.
    const io = JSON.parse(python(['-c', `import onnx, json, sys
def io(p):
    g = onnx.load(p).graph
    side = lambda vs: [[v.name, v.type.tensor_type.elem_type, [d.dim_value or d.dim_param for d in v.type.tensor_type.shape.dim]] for v in vs]
    return {"inputs": side(g.input), "outputs": side(g.output)}
print(json.dumps([io(sys.argv[1]), io(sys.argv[2])]))`, join(parent, 'decoder.onnx'), join(child, 'decoder.onnx')]).stdout);
    expect(io[1]).toEqual(io[0]);
    expect(io[1].outputs.map((o: [string]) => o[0])).toEqual(['low_res_masks', 'iou_predictions']);

    // The file holds the fine-tuned weights: its logits are the torch module's; training changed the mask decoder only.
    const c = JSON.parse(python(['test/support/medsam_format_checkpoint.py', 'check', checkpoint, run, join(child, 'manifest.json'), dataset]).stdout);
    expect(c.changedParts).toEqual(['mask_decoder']);
    expect(c.onnxVsTorchMaxAbs).toBeLessThan(1e-4 * Math.max(1, c.logitsMaxAbs));
  }, 900_000);

  it('the product loads the new version (manifest and contract checks) and segments with it', () => {
    const out = join(work, 'mask.png');
    const r = runCli(['segment', '--model', join(child, 'manifest.json'), '--image', join(work, 'pacs', study.slices[0].file), '--box', '40,40,200,200', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).model).toMatchObject({ name: 'medsam-format-test-finetuned' });
    const mask = readMaskPng(out);
    expect([mask.rows, mask.columns]).toEqual([256, 256]);
  }, 300_000);
});
