// The Debian packages the demo and the e2e tests use, each recognised by a file it installs. As root a
// fresh machine gets them with one apt-get call; otherwise we print that call and stop.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const PY = '/usr/lib/python3/dist-packages';
export const SYSTEM_PACKAGES = [
  { pkg: 'orthanc', file: '/usr/sbin/Orthanc', demo: true },
  { pkg: 'orthanc-dicomweb', file: '/usr/share/orthanc/plugins/libOrthancDicomWeb.so', demo: true },
  { pkg: 'python3-numpy', file: `${PY}/numpy`, demo: true },
  { pkg: 'python3-scipy', file: `${PY}/scipy`, demo: true },
  { pkg: 'python3-pydicom', file: `${PY}/pydicom`, demo: true },
  { pkg: 'python3-nibabel', file: `${PY}/nibabel`, demo: true },
  { pkg: 'mricron-data', file: '/usr/share/mricron/templates/ch2.nii.gz', demo: true },
  { pkg: 'dicom3tools', file: '/usr/bin/dciodvfy', demo: true },
  // Only the tests need these; installed in the same go when we can.
  { pkg: 'chromium', file: '/usr/bin/chromium', demo: false },
  { pkg: 'dcmtk', file: '/usr/bin/dcmdump', demo: false },
];

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
