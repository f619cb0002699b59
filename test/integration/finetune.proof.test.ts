// The fine-tuning loop end to end on data that is not the training data (issue 12): phantom CT studies with
// DICOM-SEGs in a folder → `medsam dataset` (real onnxruntime-node embeddings) → models/finetune/train.py
// (decoder only, PyTorch on the CPU) → export.py (new manifest, shared encoder) → the product pipeline on
// held-out patients, before and after. BODY (the whole body outline) is a structure kind the test model was
// never trained on; the organs are what it was trained on and must not get worse.
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir, TEST_MODEL } from '../support/cli';
import { BODY_SEG, makePhantomStudies, ORGAN_SEG, writePhantomSeg } from '../support/finetunePhantoms';

const PY = '/usr/bin/python3';
const TRAIN_SEEDS = [11, 12, 13, 14, 15, 16, 17, 18];
const VALIDATION_SEEDS = [19, 20];
const HELD_OUT_SEEDS = [21, 22, 23, 24]; // never in the dataset: neither trained on nor used to pick the epoch
const SLICES = [16, 24];
const HELD_OUT_SLICES = [12, 16, 20, 24];
/**
 * The seed's recipe (Adam, Dice + BCE, batch 8, boxes pushed out at random) with two settings changed for CI:
 * lr 1e-4 instead of 1e-5 so it converges in a few minutes, and boxes pushed out by 0–5 px instead of 0–20 px
 * on the 256 grid, closer to the 0–8 % the test model was trained with (much looser boxes retrain its organs).
 */
const TRAINING = ['--lr', '1e-4', '--box-jitter', '5', '--batch', '8', '--epochs', '16', '--patience', '4', '--threads', '2', '--seed', '0'];

const work = tempDir('medsam-finetune-');
const pacs = join(work, 'pacs');
const heldOut = join(work, 'held-out');
const dataset = join(work, 'dataset');
const run = join(work, 'run');
const model = join(work, 'model');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Minutes on a quiet 2-core machine; a busy shared one has taken ten times longer, hence the long limits. */
function python(args: string[]) {
  const r = spawnSync(PY, args, { encoding: 'utf8', cwd: ROOT, timeout: 3_000_000 });
  if (r.status !== 0) throw new Error(`${args[0]} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Mean Dice per structure on the held-out patients, per model, from the bundled program (see finetuneHeldOut.ts). */
async function heldOutDice(...manifests: string[]): Promise<Record<string, Record<string, number>>> {
  const program = join(work, 'finetuneHeldOut.cjs');
  await build({ entryPoints: [join(ROOT, 'test/support/finetuneHeldOut.ts')], outfile: program, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node', 'onnxruntime-web', '@cornerstonejs/*', 'dcmjs'], nodePaths: [join(ROOT, 'node_modules')], logLevel: 'warning' });
  const stdout = execFileSync(process.execPath, [program, heldOut, manifests.join(',')], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, timeout: 600_000 });
  return JSON.parse(stdout);
}

/**
 * Opt-in (MEDSAM_FINETUNE_PROOF=1, see README "Fine-tuning"): its 16-epoch CPU training has not yet been timed on
 * a quiet machine in one run, and CI must stay well under 30 minutes. The dataset, recipe and bad-input suites run
 * in every `npm test`.
 */
const describeProof = process.env.MEDSAM_FINETUNE_PROOF === '1' ? describe : describe.skip;

describeProof('fine-tuning the test model on BODY outlines from a folder of SEGs', () => {
  let summary: { cases: number; slices: number; split: { train: string[]; validation: string[] }; skipped: unknown[] };

  beforeAll(() => {
    for (const study of makePhantomStudies(pacs, [...TRAIN_SEEDS, ...VALIDATION_SEEDS], SLICES)) {
      writePhantomSeg(pacs, study, BODY_SEG, 1);
      writePhantomSeg(pacs, study, ORGAN_SEG, 2);
    }
    makePhantomStudies(heldOut, HELD_OUT_SEEDS, HELD_OUT_SLICES);
  }, 300_000);

  it('exports the dataset with the product CLI: a case per segment, split by patient', () => {
    const r = runCli(['dataset', '--model', TEST_MODEL, '--folder', pacs, '--out', dataset, '--validation-patients', VALIDATION_SEEDS.map((s) => `PHANTOM-${s}`).join(','), '--json', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    summary = JSON.parse(r.stdout);
    expect(summary.cases).toBe(40); // 10 patients × (BODY + liver + spleen + left kidney); every one on ≥ 1 slice
    expect(summary.split.validation).toEqual(['PHANTOM-19', 'PHANTOM-20']);
    expect(summary.split.train).toHaveLength(8);
    expect(summary.skipped).toEqual([]);
    // numpy reads what the CLI wrote, in MedSAM's first-release layout.
    const read = JSON.parse(
      python(['-c', `import numpy as np, json, sys
m = json.load(open(sys.argv[1] + '/dataset.json'))
c = m['cases'][0]; z = np.load(sys.argv[1] + '/' + c['file'])
print(json.dumps({'arrays': {k: [list(z[k].shape), str(z[k].dtype)] for k in z.files}, 'gtsMax': int(z['gts'].max()), 'n': len(c['slices'])}))`, dataset]),
    ) as { arrays: Record<string, [number[], string]>; gtsMax: number; n: number };
    const n = read.n;
    expect(read.arrays).toEqual({ imgs: [[n, 256, 256, 3], 'uint8'], gts: [[n, 256, 256], 'uint8'], img_embeddings: [[n, 256, 64, 64], 'float32'] });
    expect(read.gtsMax).toBe(1);
  }, 300_000);

  it('trains the decoder, exports a new version that names its parent and dataset, and shares the encoder', () => {
    const out = python(['models/finetune/train.py', '--dataset', dataset, '--model', TEST_MODEL, '--out', run, ...TRAINING]);
    expect(out).toMatch(/best epoch [1-9]/);
    python(['models/finetune/export.py', '--run', run, '--out', model]);
    const parent = JSON.parse(readFileSync(TEST_MODEL, 'utf8'));
    const child = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(child.encoder.sha256).toBe(parent.encoder.sha256);
    expect(readFileSync(join(model, child.encoder.file))).toEqual(readFileSync(join(ROOT, 'models/test-tiny', parent.encoder.file)));
    expect(child.decoder.sha256).not.toBe(parent.decoder.sha256);
    expect(child.parent).toMatchObject({ name: parent.name, version: parent.version, manifestSha256: sha(TEST_MODEL), decoderSha256: parent.decoder.sha256 });
    expect(child.finetune.datasetManifestSha256).toBe(sha(join(dataset, 'dataset.json')));
    expect(child.finetune.settings).toMatchObject({ optimizer: 'adam', loss: 'dicece', boxJitterPx256: 20, batch: 8 });
    expect(child.testModel).toBe(true);
  }, 3_600_000);

  it('held-out patients: BODY goes from < 0.7 to ≥ 0.9 Dice; the organs lose no more than 0.02', async () => {
    const scores = await heldOutDice(TEST_MODEL, join(model, 'manifest.json'));
    const before = scores[TEST_MODEL];
    const after = scores[join(model, 'manifest.json')];
    console.log(`held-out Dice before ${JSON.stringify(before)}\nafter ${JSON.stringify(after)}`);
    expect(before.BODY).toBeLessThan(0.7);
    expect(after.BODY).toBeGreaterThanOrEqual(0.9);
    for (const organ of ['liver', 'spleen', 'kidney_left']) expect(after[organ]).toBeGreaterThanOrEqual(before[organ] - 0.02);
  }, 300_000);
});
