import { join } from 'node:path';
import { PYDICOM_FILES, readMaskPng, runCli, tempDir, TEST_MODEL } from '../support/cli';
import { summarizeMask } from '../../core/src/pipeline/postprocess';

// The CLI on the real images from Debian packages. The test model was trained on CT phantoms, so its masks
// on these images are not anatomy; what is checked is that the whole path runs on each format and that the
// written mask, the summary and the image agree.
const cases = [
  { name: 'CT_small (CT, 128×128)', image: join(PYDICOM_FILES, 'CT_small.dcm'), box: '30,40,90,100', rows: 128, columns: 128, rule: 'ct-window' },
  { name: '693_J2KI (CT, JPEG 2000, 512×512)', image: join(PYDICOM_FILES, '693_J2KI.dcm'), box: '150,180,330,360', rows: 512, columns: 512, rule: 'ct-window' },
  { name: 'MR_small (MR, 64×64)', image: join(PYDICOM_FILES, 'MR_small.dcm'), box: '10,12,50,52', rows: 64, columns: 64, rule: 'percentile' },
  { name: 'ch2 slice 90 (NIfTI MR volume)', image: '/usr/share/mricron/templates/ch2.nii.gz', extra: ['--slice', '90'], box: '40,50,140,170', rows: 217, columns: 181, rule: 'percentile', scope: 'series' },
];

describe('medsam segment on real images', () => {
  const dir = tempDir();

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = join(dir, `${c.rows}-${c.columns}-${c.rule}.png`);
    const run = runCli(['segment', '--model', TEST_MODEL, '--image', c.image, ...(c.extra ?? []), '--box', c.box, '--out', out, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout);
    const mask = readMaskPng(out);
    expect([mask.rows, mask.columns]).toEqual([c.rows, c.columns]);
    expect(summary.image).toMatchObject({ rows: c.rows, columns: c.columns });
    const actual = summarizeMask({ rows: mask.rows, columns: mask.columns, data: mask.data });
    expect(summary.mask.areaPixels).toBe(actual.areaPixels);
    expect(summary.mask.bbox).toEqual(actual.bbox);
    expect(summary.normalization.rule).toBe(c.rule);
    if (c.scope) expect(summary.normalization.scope).toBe(c.scope);
    expect(summary.model).toMatchObject({ name: 'medsam-ohif-test-tiny', testModel: true });
    for (const stage of ['read', 'normalize', 'resize', 'encoder', 'decoder', 'postprocess', 'write']) {
      expect(typeof summary.timingsMs[stage]).toBe('number');
    }
  });
});
