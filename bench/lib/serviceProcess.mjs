// Starts the embedding service (bench/dist/server/main.cjs, built from server/) as a child process and
// waits for its "listening on <url>" line.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { distDir } from './paths.mjs';

export function startService(manifest, extraArgs = [], { timeoutMs = 300_000 } = {}) {
  const main = path.join(distDir, 'server/main.cjs');
  const child = spawn(process.execPath, [main, '--model', manifest, '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log = (log + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the embedding service did not start within ${timeoutMs / 1000} s: ${log.trim()}`));
    }, timeoutMs);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        pid: child.pid,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the embedding service exited (${code}) before listening: ${log.trim()}`));
    });
  });
}
