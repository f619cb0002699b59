// Installs the npm dependencies when they are missing or older than the lockfile, so that a fresh clone
// needs no separate install step before `npm test` or `npm run demo`. onnxruntime-node's install script
// would download extra binaries (and fail offline): its bundled CPU binary is all we need.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
if (!fresh) {
  console.log('installing npm dependencies (npm ci) ...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
} else if (!existsSync(join(root, 'core', 'dist', 'medsam.cjs'))) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The system (Debian) packages the tests need, from config/system-packages.txt: installed with apt-get when
// we are root, else the one apt-get line to run is printed and the test run stops.
const { ensureSystemPackages } = await import('./demo/system.mjs');
try {
  ensureSystemPackages({ forTests: true });
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
