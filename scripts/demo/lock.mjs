// A cross-process lock around the cached preparation steps: e2e test files run in parallel jest workers, and
// two of them must not unpack the viewer or regenerate the samples into the same folder at once.
import fs from 'node:fs';
import path from 'node:path';
import { demoDir } from './paths.mjs';

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function holderAlive(lockDir) {
  try {
    process.kill(Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8')), 0);
    return true;
  } catch (err) {
    if (err.code === 'EPERM') return true; // alive, not ours
    // No pid file: its owner is between mkdir and write, or died there (then the folder grows old).
    if (err.code === 'ENOENT') return Date.now() - fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs < 10000;
    return false;
  }
}

/** Run fn (synchronous) while holding .demo/<name>.lock; a lock whose process died is taken over. */
export function withLock(name, fn) {
  fs.mkdirSync(demoDir, { recursive: true });
  const lockDir = path.join(demoDir, `${name}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (!holderAlive(lockDir)) fs.rmSync(lockDir, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
