// Bundles what the suites run: the project's TypeScript core for Node (CommonJS, like the CLI), the
// Chromium page and worker, and the embedding service. Each target builds on its own: a broken one only
// disables the suites that need it.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { benchDir, distDir, repoRoot } from './paths.mjs';

const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node', 'onnxruntime-web'], logLevel: 'silent' };
const browser = { bundle: true, platform: 'browser', format: 'esm', target: 'chrome110', logLevel: 'silent' };

/** @cornerstonejs/core|tools → the stub, so @cornerstonejs/ai's controller bundles without a viewer. */
const cornerstoneStub = {
  name: 'cornerstone-stub',
  setup(b) {
    b.onResolve({ filter: /^@cornerstonejs\/(core|tools)$/ }, () => ({ path: path.join(benchDir, 'browser/peer/cornerstoneStub.mjs') }));
  },
};

const TARGETS = {
  core: () => build({ ...node, entryPoints: [path.join(benchDir, 'lib/coreEntry.mjs')], outfile: path.join(distDir, 'core.cjs') }),
  oip: () => build({ ...node, entryPoints: [path.join(benchDir, 'lib/oipEntry.mjs')], outfile: path.join(distDir, 'oip.cjs') }),
  browser: async () => {
    const out = path.join(distDir, 'browser');
    await build({
      ...browser,
      entryPoints: [path.join(benchDir, 'browser/page.mjs'), path.join(benchDir, 'browser/worker.mjs')],
      outdir: out,
      outExtension: { '.js': '.mjs' },
    });
    copyFileSync(path.join(benchDir, 'browser/page.html'), path.join(out, 'page.html'));
  },
  variants: async () => {
    const out = path.join(distDir, 'browser');
    await build({
      ...browser,
      entryPoints: [path.join(benchDir, 'browser/variantsPage.mjs'), path.join(benchDir, 'browser/variantsWorker.mjs')],
      outdir: out,
      outExtension: { '.js': '.mjs' },
    });
    copyFileSync(path.join(benchDir, 'browser/variants.html'), path.join(out, 'variants.html'));
  },
  peer: async () => {
    const out = path.join(distDir, 'browser');
    await build({ ...browser, entryPoints: [path.join(benchDir, 'browser/peer/peerPage.mjs')], outfile: path.join(out, 'peer.mjs'), plugins: [cornerstoneStub] });
    copyFileSync(path.join(benchDir, 'browser/peer.html'), path.join(out, 'peer.html'));
  },
  server: async () => {
    const target = path.join(repoRoot, 'server/build-target.mjs');
    if (!existsSync(target) || !existsSync(path.join(repoRoot, 'server/src/main.ts'))) throw new Error('server/ has no build-target.mjs or src/main.ts yet');
    const { serverBuildTarget } = await import(target);
    await build({ ...serverBuildTarget(repoRoot, { outdir: path.join(distDir, 'server') }), logLevel: 'silent' });
  },
};

/** → { core: null | "error text", ... } */
export async function buildAll() {
  mkdirSync(distDir, { recursive: true });
  const failures = {};
  await Promise.all(
    Object.entries(TARGETS).map(async ([name, fn]) => {
      try {
        await fn();
        failures[name] = null;
      } catch (e) {
        const errors = e?.errors?.map((x) => `${x.location?.file ?? ''}:${x.location?.line ?? ''} ${x.text}`).join('; ');
        failures[name] = errors || (e instanceof Error ? e.message : String(e));
      }
    }),
  );
  return failures;
}
