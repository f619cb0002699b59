// Builds what runs without a TypeScript toolchain: the `medsam` CLI (one CommonJS file for Node) and the
// browser bundles (OHIF extension, mode, inference worker). Runs on `npm install` (prepare) and in CI.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const targets = [];

// The CLI: native addons and WASM codecs stay outside the bundle and are loaded from node_modules.
targets.push({
  entryPoints: [join(root, 'core/src/cli/medsam.ts')],
  outfile: join(root, 'core/dist/medsam.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  external: ['onnxruntime-node', 'onnxruntime-web', '@cornerstonejs/codec-*', 'dcmjs'],
  logLevel: 'warning',
});

// The embedding service (server/dist/main.cjs and its worker-thread entry).
targets.push((await import('../server/build-target.mjs')).serverBuildTarget(root));

// Browser bundles register themselves here (see scripts/bundles.mjs when present).
const bundles = join(root, 'scripts/bundles.mjs');
if (existsSync(bundles)) targets.push(...(await import(bundles)).browserBuildTargets(root));

await Promise.all(targets.filter((t) => t.entryPoints.every((e) => existsSync(e))).map((t) => build(t)));
