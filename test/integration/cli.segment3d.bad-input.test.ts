import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, TEST_MODEL } from '../support/cli';
import { int16VolumeToNifti } from '../support/nifti';

// medsam segment3d refuses bad input with plain words and the documented exit status (2 usage, 3 input, 4 model).
describe('medsam segment3d: bad input', () => {
  const dir = tempDir();
  const volume = join(dir, 'small.nii');
  writeFileSync(volume, int16VolumeToNifti(new Int16Array(3 * 32 * 32).fill(40), 3, 32, 32, [1, 1, 2]));
  const out = join(dir, 'mask.nii');
  const run = (...args: string[]) => runCli(['segment3d', '--model', TEST_MODEL, '--series', volume, '--out', out, ...args]);

  it.each([
    [['--box', '2,2,20,20', '--range', '0,5'], 3, /range end 5 is outside the volume: it has 3 slices \(0 to 2\)/],
    [['--box', '2,2,20,20', '--slice', '1', '--range', '0,1', '--boxes', 'x.json'], 2, /either --boxes or --box/],
    [['--box', '40,40,60,60', '--slice', '1'], 3, /lies wholly outside the 32×32 image/],
    [['--box', '2,2,4,4', '--slice', '1'], 3, /too small for MedSAM/],
  ])('%j → exit %i', (args, status, message) => {
    const r = run(...args);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
  });

  it('an empty folder, or a file that is no volume, is a bad input (3)', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = runCli(['segment3d', '--model', TEST_MODEL, '--series', empty, '--out', out, '--box', '2,2,20,20', '--slice', '0']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/no DICOM images found/);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not an image');
    const r2 = runCli(['segment3d', '--model', TEST_MODEL, '--series', text, '--out', out, '--box', '2,2,20,20', '--slice', '0']);
    expect(r2.status).toBe(3);
    expect(r2.stderr).toMatch(/takes a DICOM folder or a NIfTI file/);
  });

  it('a missing model is a model error (4)', () => {
    const r = runCli(['segment3d', '--model', join(dir, 'nope.json'), '--series', volume, '--out', out, '--box', '2,2,20,20', '--slice', '0']);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/cannot read model manifest/);
  });

  it('a uniform volume is segmented end to end: the summary names each direction\'s stop', () => {
    const r = run('--box', '2,2,28,28', '--slice', '1', '--json');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.command).toBe('segment3d');
    expect(summary.model.testModel).toBe(true);
    for (const stop of [summary.stops.up, summary.stops.down]) expect(stop.message).toMatch(/stopped after slice \d/);
  });
});
