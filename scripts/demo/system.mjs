// The Debian packages the demo and the tests use (config/system-packages.txt), each recognised by a file it installs. As root a
// fresh machine gets them with one apt-get call; otherwise we print that call and stop.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const LIST = fileURLToPath(new URL('../../config/system-packages.txt', import.meta.url));
/** config/system-packages.txt: the one list, also read by .ci/run. */
export const SYSTEM_PACKAGES = fs
  .readFileSync(LIST, 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean)
  .map((line) => {
    const [pkg, file, who] = line.split(/\s+/);
    return { pkg, file, demo: who === 'demo' };
  });

export const missingPackages = () => SYSTEM_PACKAGES.filter((p) => !fs.existsSync(p.file));

export function aptCommand(pkgs) {
  return `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
}

/**
 * Install what is missing when we are root; else throw with the command to run. Returns the packages
 * installed. Our Orthanc uses its own ports, so a system Orthanc that apt may start (8042/4242) is harmless.
 */
export function ensureSystemPackages({ log = console.log, forTests = false } = {}) {
  const missing = missingPackages().filter((p) => forTests || p.demo);
  if (missing.length === 0) return [];
  const pkgs = missingPackages().map((p) => p.pkg);
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing system packages: ${pkgs.join(' ')}\nRun as root:\n  ${aptCommand(pkgs)}`);
  }
  log(`Installing ${pkgs.join(' ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...pkgs], { stdio: 'inherit', env });
  const still = missingPackages().filter((p) => forTests || p.demo);
  if (still.length) throw new Error(`apt-get did not provide: ${still.map((p) => p.pkg).join(' ')}`);
  return pkgs;
}
