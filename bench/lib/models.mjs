// The models the suites run: the committed test model (quick) and the representative random-weight models
// (ViT-B-shaped encoder + SAM-sized decoder; TinyViT-shaped encoder with LiteMedSAM's dimensions + the same
// decoder at 256), generated into bench/models/<key>/ on first use.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { benchDir, benchModelsDir, systemPython, testTinyManifest } from './paths.mjs';

const run = promisify(execFile);
export const INSTALL_TORCH = 'apt-get install -y python3-torch python3-onnx';

export function testTiny(override) {
  const manifest = override ? path.resolve(override) : testTinyManifest;
  return existsSync(manifest)
    ? { key: 'test-tiny', manifest }
    : { key: 'test-tiny', missing: `${path.relative(process.cwd(), manifest)} does not exist${override ? '' : ' yet (models/testing trains and exports it)'}` };
}

/**
 * The representative random-weight models: their make_models.py shape, and the generator sources their files
 * depend on (which decide the version: edit them and the model is made again).
 */
const REPRESENTATIVES = {
  'medsam-shaped': {
    shape: 'medsam', what: 'the ViT-B-shaped encoder and SAM-sized decoder',
    sources: ['make_models.py', 'sam_decoder.py', 'sam_decoder_split.py', 'vitb_encoder.py'],
  },
  'litemedsam-shaped': {
    shape: 'litemedsam', what: 'the TinyViT-shaped encoder (LiteMedSAM dimensions) and SAM-sized decoder (256 input)',
    sources: ['make_models.py', 'sam_decoder.py', 'sam_decoder_split.py', 'tinyvit_encoder.py', 'vitb_encoder.py'],
  },
};
export const REPRESENTATIVE_KEYS = Object.keys(REPRESENTATIVES);

function generatorVersion(sources) {
  const dir = path.join(benchDir, 'python');
  const h = createHash('sha256');
  for (const f of [...sources].sort()) h.update(f).update(readFileSync(path.join(dir, f)));
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

/** Generates one representative model when missing or stale; → { key, manifest } or { key, missing }. */
export async function representative(log, key = 'medsam-shaped') {
  const { shape, what, sources } = REPRESENTATIVES[key];
  const dir = path.join(benchModelsDir, key);
  const manifest = path.join(dir, 'manifest.json');
  const version = generatorVersion(sources);
  try {
    if (JSON.parse(readFileSync(manifest, 'utf8')).version === version) return { key, manifest, generatedSeconds: 0 };
  } catch {
    // missing or unreadable: generate
  }
  if (!(await torchAvailable())) {
    return { key, missing: `${systemPython} cannot import torch and onnx; install them with \`${INSTALL_TORCH}\`` };
  }
  log(`generating ${what} (random weights) into ${path.relative(process.cwd(), dir)} ...`);
  const t = Date.now();
  const script = path.join(benchDir, 'python/make_models.py');
  await new Promise((resolve, reject) => {
    const child = spawn(systemPython, [script, dir, '--version', version, '--shape', shape], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`make_models.py failed (${code}): ${err.trim().split('\n').slice(-3).join(' ')}`))));
  });
  return { key, manifest, generatedSeconds: Math.round((Date.now() - t) / 100) / 10 };
}
