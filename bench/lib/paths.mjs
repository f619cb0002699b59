// Where the benchmark reads and writes. dist/ and models/ are git-ignored; results/ is committed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.dirname(benchDir);
/** Bundles, the service build and per-run scratch files (embeddings); ignored by the root .gitignore. */
export const distDir = path.join(benchDir, 'dist');
export const workDir = path.join(distDir, 'work');
export const resultsDir = path.join(benchDir, 'results');
/** Generated random-weight models (never committed). */
export const benchModelsDir = path.join(benchDir, 'models');
export const representativeDir = path.join(benchModelsDir, 'medsam-shaped');
export const testTinyManifest = path.join(repoRoot, 'models', 'test-tiny', 'manifest.json');
export const ortWebDist = path.join(repoRoot, 'node_modules', 'onnxruntime-web', 'dist');
/** Debian's interpreter: the `python3` first on PATH cannot import Debian's torch. */
export const systemPython = '/usr/bin/python3';
export const chromiumPath = JSON.parse(readFileSync(new URL('../../config/chromium.json', import.meta.url), 'utf8')).executablePath;
