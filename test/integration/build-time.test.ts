// Build-time delivery as an OHIF build would do it, as far as it can be done here (OHIF's source is not
// here; see the README for a real build's steps). OHIF's platform/app/.webpack/writePluginImportsFile.js
// turns each pluginConfig.json entry into `const imported = await import("<packageName>"); return
// imported.default;` and copies the package's dist/ into the viewer's build. This bundles that import path
// — our dist/esm packages, installed as packages — against the npm @ohif/* and @cornerstonejs/* packages as
// the host's single copies, and checks what a real build needs: it builds, the output holds ONE React and
// ONE cornerstone, and the default exports have the shape OHIF's extension and mode managers check.
import { build, type Metafile } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const EXTENSION = '@medsam-ohif/extension-medsam';
const MODE = '@medsam-ohif/mode-medsam';

/** Our own rendering of the loader OHIF generates for pluginConfig entries. */
const pluginImports = `
async function loadModule(name) {
  if (name === ${JSON.stringify(EXTENSION)}) return (await import(${JSON.stringify(EXTENSION)})).default;
  if (name === ${JSON.stringify(MODE)}) return (await import(${JSON.stringify(MODE)})).default;
  throw new Error('unknown plugin ' + name);
}
export const extension = () => loadModule(${JSON.stringify(EXTENSION)});
export const mode = () => loadModule(${JSON.stringify(MODE)});
// the host's own copies, imported by the host app itself
export * as hostReact from 'react';
export * as hostCornerstone from '@cornerstonejs/core';
export * as hostTools from '@cornerstonejs/tools';
`;

/** The package folders (node_modules/<name>) the bundle took files from, for one package name. */
function copiesOf(metafile: Metafile, name: string): string[] {
  const marker = `node_modules/${name}/`;
  const roots = Object.keys(metafile.inputs)
    .filter((p) => p.includes(marker))
    .map((p) => p.slice(0, p.lastIndexOf(marker) + marker.length));
  return [...new Set(roots)];
}

describe('build-time delivery: our dist/esm packages in a host build', () => {
  let metafile: Metafile;
  let outdir: string;

  beforeAll(async () => {
    for (const dir of ['extensions/medsam/dist/esm/index.js', 'modes/medsam/dist/esm/index.js']) {
      if (!fs.existsSync(path.join(root, dir))) throw new Error(`${dir} is missing: run node scripts/build.mjs`);
    }
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'medsam-host-build-'));
    const entry = path.join(outdir, 'pluginImports.js');
    fs.writeFileSync(entry, pluginImports);
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      nodePaths: [path.join(root, 'node_modules')],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: path.join(outdir, 'out'),
      metafile: true,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
      loader: { '.wasm': 'file', '.node': 'empty' },
      // Node built-ins some dependencies mention; a browser build leaves them out (OHIF's webpack sets fallbacks).
      external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'module', 'url', 'child_process', 'events', 'stream', 'buffer', 'util'],
    });
    metafile = result.metafile;
  }, 240_000);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('builds, taking our packages from their dist/esm (as installed packages)', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((p) => /extensions\/medsam\/dist\/esm\/index\.js$/.test(p))).toBe(true);
    expect(inputs.some((p) => /modes\/medsam\/dist\/esm\/index\.js$/.test(p))).toBe(true);
  });

  it.each(['react', 'react-dom', '@cornerstonejs/core', '@cornerstonejs/tools'])('one copy of %s in the output', (name) => {
    expect(copiesOf(metafile, name)).toHaveLength(1);
  });

  it('our dist/esm files carry no React or cornerstone of their own (they import the host’s)', () => {
    for (const file of ['extensions/medsam/dist/esm/index.js', 'modes/medsam/dist/esm/index.js']) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      expect(text).not.toMatch(/react\.production|__SECRET_INTERNALS_DO_NOT_USE|ReactCurrentDispatcher/);
      expect(text).not.toMatch(/class RenderingEngine\b/);
    }
  });

  it('the default exports have the shape OHIF’s extension and mode managers check', async () => {
    const mode = (await import(path.join(root, 'modes/medsam/dist/esm/index.js'))).default as Record<string, unknown>;
    expect(mode.id).toBe(MODE);
    expect(typeof mode.modeFactory).toBe('function');
    const modePkg = JSON.parse(fs.readFileSync(path.join(root, 'modes/medsam/package.json'), 'utf8'));
    expect(modePkg.name).toBe(MODE);
    expect(modePkg.keywords).toContain('ohif-mode');
    const extPkg = JSON.parse(fs.readFileSync(path.join(root, 'extensions/medsam/package.json'), 'utf8'));
    expect(extPkg.name).toBe(EXTENSION);
    expect(extPkg.keywords).toContain('ohif-extension');
    // the extension's module graph needs a browser; its exports are checked in the bundle's metafile
    const extOutput = Object.entries(metafile.outputs).find(([, o]) => Object.keys(o.inputs).some((i) => /extensions\/medsam\/dist\/esm\/index\.js$/.test(i)));
    expect(extOutput?.[1].exports).toContain('default');
  });
});
