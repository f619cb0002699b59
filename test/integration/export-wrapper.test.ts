import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

// The uint8 encoder wrapper (models/export/wrap_uint8_encoder.py) is Python with the onnx package; its
// unittests run real models through onnxruntime-node. CI installs python3-onnx, so none may be skipped.
describe('models/export: uint8 encoder wrapper', () => {
  it('passes its Python unittests with nothing skipped', () => {
    const r = spawnSync('/usr/bin/python3', ['-B', '-m', 'unittest', 'discover', '-v', '-s', join(ROOT, 'models', 'export', 'tests')], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 300_000,
    });
    const report = `${r.stdout}\n${r.stderr}`;
    expect(report).toMatch(/\nOK\s*$/);
    expect(report).not.toMatch(/skipped/i);
    expect(r.status).toBe(0);
  });
});
