// The models the suites run: the committed test model (quick) and the representative random-weight pair
// (ViT-B-shaped encoder + SAM-sized decoder), generated into bench/models/ on first use.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { benchDir, representativeDir, systemPython, testTinyManifest } from './paths.mjs';

const run = promisify(execFile);
export const INSTALL_TORCH = 'apt-get install -y python3-torch python3-onnx';

export function testTiny(override) {
  const manifest = override ? path.resolve(override) : testTinyManifest;
  return existsSync(manifest)
    ? { key: 'test-tiny', manifest }
    : { key: 'test-tiny', missing: `${path.relative(process.cwd(), manifest)} does not exist${override ? '' : ' yet (models/testing trains and exports it)'}` };
}

/** The generator's own sources decide the version: edit them and the models are made again. */
function generatorVersion() {
  const dir = path.join(benchDir, 'python');
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.py')).sort()) h.update(f).update(readFileSync(path.join(dir, f)));
  return `random-${h.digest('hex').slice(0, 12)}`;
}

async function torchAvailable() {
  try {
    await run(systemPython, ['-c', 'import torch, onnx'], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** Generates the representative models when missing or stale; → { key, manifest } or { key, missing }. */
export async function representative(log) {
  const key = 'medsam-shaped';
  const manifest = path.join(representativeDir, 'manifest.json');
  const version = generatorVersion();
  try {
    if (JSON.parse(readFileSync(manifest, 'utf8')).version === version) return { key, manifest, generatedSeconds: 0 };
  } catch {
    // missing or unreadable: generate
  }
  if (!(await torchAvailable())) {
    return { key, missing: `${systemPython} cannot import torch and onnx; install them with \`${INSTALL_TORCH}\`` };
  }
  log(`generating the ViT-B-shaped encoder and SAM-sized decoder (random weights) into ${path.relative(process.cwd(), representativeDir)} ...`);
  const t = Date.now();
  const script = path.join(benchDir, 'python/make_models.py');
  await new Promise((resolve, reject) => {
    const child = spawn(systemPython, [script, representativeDir, '--version', version], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`make_models.py failed (${code}): ${err.trim().split('\n').slice(-3).join(' ')}`))));
  });
  return { key, manifest, generatedSeconds: Math.round((Date.now() - t) / 100) / 10 };
}
