import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

// The export tools (models/export: the uint8 encoder wrapper, the split decoder) are Python with the onnx package
// and torch; their unittests run real models through onnxruntime-node. CI installs python3-onnx and python3-torch,
// so nothing may be skipped except the check against MedSAM's own segment_anything modules, which needs a clone
// of MedSAM that the user points MEDSAM_REPO at (the reference code is not part of this project).
describe('models/export: uint8 encoder wrapper and split decoder', () => {
  it('passes its Python unittests, skipping only what needs a MedSAM clone', () => {
    const r = spawnSync('/usr/bin/python3', ['-B', '-m', 'unittest', 'discover', '-v', '-s', join(ROOT, 'models', 'export', 'tests')], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 300_000,
    });
    const report = `${r.stdout}\n${r.stderr}`;
    expect(report).toMatch(/\nOK( \(skipped=\d+\))?\s*$/);
    const skipped = report.split('\n').filter((line) => /\.\.\. skipped /.test(line));
    for (const line of skipped) expect(line).toMatch(/MEDSAM_REPO/);
    expect(r.status).toBe(0);
  });
});
