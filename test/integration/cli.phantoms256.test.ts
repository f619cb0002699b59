import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asUint8, readGzFixture, readJsonFixture } from '../support/fixtures';
import { dice, readMaskPng, ROOT, runCli, tempDir } from '../support/cli';
import { int16SliceToNifti } from '../support/nifti';

interface PhantomCase {
  name: string;
  rows: number;
  columns: number;
  hu: string;
  mask: string;
  box: [number, number, number, number];
}

// The LiteMedSAM-profile test model (models/test-tiny-256, NOT LiteMedSAM) through the whole CLI pipeline of
// the 256 profile (INTER_AREA to longest side 256, min-max before zero padding, truncated box, logits cropped
// to the resized region): the held-out phantom slices as they are (square), and cropped to non-square
// windows so that the padding and the crop really matter.
const MODEL = join(ROOT, 'models', 'test-tiny-256', 'manifest.json');
const { cases } = readJsonFixture<{ cases: PhantomCase[] }>('phantoms', 'index.json');

/** Landscape (rows 40–215) for even case numbers, portrait (columns 56–199) for odd ones. */
const windowOf = (i: number) => (i % 2 === 0 ? { r0: 40, r1: 216, c0: 0, c1: 256 } : { r0: 0, r1: 256, c0: 56, c1: 200 });

function crop<T extends Int16Array | Uint8Array>(a: T, columns: number, w: { r0: number; r1: number; c0: number; c1: number }): T {
  const out = new (a.constructor as { new (n: number): T })((w.r1 - w.r0) * (w.c1 - w.c0));
  for (let r = w.r0; r < w.r1; r++) out.set(a.subarray(r * columns + w.c0, r * columns + w.c1), (r - w.r0) * (w.c1 - w.c0));
  return out;
}

/** Inclusive bounding box (x0, y0, x1, y1) of a mask, or null when empty. */
function bbox(mask: Uint8Array, columns: number): [number, number, number, number] | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  mask.forEach((v, i) => {
    if (!v) return;
    const r = Math.floor(i / columns);
    const c = i % columns;
    [x0, y0, x1, y1] = [Math.min(x0, c), Math.min(y0, r), Math.max(x1, c), Math.max(y1, r)];
  });
  return x1 < 0 ? null : [x0, y0, x1, y1];
}

interface Run {
  name: string;
  hu: Int16Array;
  truth: Uint8Array;
  rows: number;
  columns: number;
  box: readonly number[];
}

function runsOf(): Run[] {
  const runs: Run[] = [];
  cases.forEach((c, i) => {
    const hu = new Int16Array(asUint8(readGzFixture('phantoms', c.hu)).slice().buffer);
    const truth = asUint8(readGzFixture('phantoms', c.mask));
    // Square runs for every other case (cli.phantoms.test.ts covers the square slices with test-tiny).
    if (i % 2 === 0) runs.push({ name: `${c.name} ${c.rows}x${c.columns}`, hu, truth, rows: c.rows, columns: c.columns, box: c.box });
    const w = windowOf(i);
    const cut = crop(truth, c.columns, w);
    const box = bbox(cut, w.c1 - w.c0);
    const area = cut.reduce((a, v) => a + v, 0);
    if (box && area >= 300) {
      runs.push({ name: `${c.name} cropped ${w.r1 - w.r0}x${w.c1 - w.c0}`, hu: crop(hu, c.columns, w), truth: cut, rows: w.r1 - w.r0, columns: w.c1 - w.c0, box });
    }
  });
  return runs;
}

describe('medsam segment with the LiteMedSAM-profile test model on held-out CT phantoms', () => {
  const dir = tempDir();
  const scores: Record<string, number> = {};
  const runs = runsOf();

  afterAll(() => {
    const values = Object.values(scores);
    if (values.length) console.log(`Dice over ${values.length} runs: mean ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(4)}, min ${Math.min(...values).toFixed(4)}`);
  });

  it('has non-square runs (so the padding is exercised) besides the square ones', () => {
    expect(runs.filter((r) => r.rows !== r.columns).length).toBeGreaterThanOrEqual(cases.length * 0.75);
    expect(runs.filter((r) => r.rows === r.columns).length).toBeGreaterThanOrEqual(cases.length / 2);
  });

  it.each(runs.map((r) => [r.name, r] as const))('%s: Dice ≥ 0.9 against the ground truth', (name, r) => {
    const image = join(dir, `${name.replace(/\W+/g, '_')}.nii`);
    writeFileSync(image, int16SliceToNifti(r.hu, r.rows, r.columns));
    const out = image.replace(/\.nii$/, '.png');
    const run = runCli(['segment', '--model', MODEL, '--image', image, '--box', r.box.join(','), '--window', 'medsam-paper', '--out', out, '--json']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).model).toMatchObject({ name: 'medsam-ohif-test-tiny-256', testModel: true });
    const mask = readMaskPng(out);
    expect([mask.rows, mask.columns]).toEqual([r.rows, r.columns]);
    scores[name] = dice(mask.data, r.truth);
    expect(scores[name]).toBeGreaterThanOrEqual(0.9);
  });
});
