import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asUint8, readGzFixture, readJsonFixture } from '../support/fixtures';
import { dice, readMaskPng, runCli, tempDir, TEST_MODEL } from '../support/cli';
import { int16SliceToNifti } from '../support/nifti';

interface PhantomCase {
  name: string;
  structure: string;
  rows: number;
  columns: number;
  hu: string;
  mask: string;
  box: [number, number, number, number];
}

// Held-out synthetic CT slices with known ground truth (test/fixtures/phantoms/make_phantom_cases.py): the
// test model must find the boxed structure through the whole product pipeline, as the CLI runs it.
const { cases } = readJsonFixture<{ cases: PhantomCase[] }>('phantoms', 'index.json');

describe('medsam segment on held-out CT phantoms (test model)', () => {
  const dir = tempDir();
  const scores: Record<string, number> = {};

  afterAll(() => {
    const values = Object.values(scores);
    if (values.length) console.log(`Dice over ${values.length} cases: mean ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(4)}, min ${Math.min(...values).toFixed(4)}`);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: Dice ≥ 0.9 against the ground truth', (_name, c) => {
    const hu = new Int16Array(asUint8(readGzFixture('phantoms', c.hu)).slice().buffer);
    const image = join(dir, `${c.name}.nii`);
    writeFileSync(image, int16SliceToNifti(hu, c.rows, c.columns));
    const out = join(dir, `${c.name}.png`);
    // NIfTI records no modality: the CT window is asked for explicitly (MedSAM's default [-500, 1000] HU).
    const run = runCli(['segment', '--model', TEST_MODEL, '--image', image, '--box', c.box.join(','), '--window', 'medsam-paper', '--out', out, '--json']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).normalization).toMatchObject({ rule: 'ct-window', lower: -500, upper: 1000 });
    const mask = readMaskPng(out);
    const truth = asUint8(readGzFixture('phantoms', c.mask));
    scores[c.name] = dice(mask.data, truth);
    expect(scores[c.name]).toBeGreaterThanOrEqual(0.9);
  });
});
