// Browser builds of the MedSAM extension and mode (imported by scripts/build.mjs).
//
// Run-time form, dist/bundles/: ES modules an unmodified OHIF 3.13 viewer imports from app-config URLs.
//   medsam-extension.mjs  the extension; @cornerstonejs/core|tools are OHIF's window.cornerstone(Tools),
//                         React and react-dom are bundled (OHIF 3.13 does not share its React);
//   medsam-worker.mjs     the inference worker, found beside the extension (new URL(..., import.meta.url));
//                         it imports onnxruntime-web at run time from `ortBaseUrl` (default /ort/);
//   medsam-mode.mjs       the mode.
// Build-time form, extensions/medsam/dist/esm/ and modes/medsam/dist/esm/: the packages' ESM for operators
// who add them to OHIF's pluginConfig.json and rebuild; OHIF, cornerstone, React and onnxruntime-web stay
// external (peer dependencies), our core is compiled in.
import { join } from 'node:path';

const CORNERSTONE_GLOBALS = { '@cornerstonejs/core': 'cornerstone', '@cornerstonejs/tools': 'cornerstoneTools' };

/** Maps @cornerstonejs/core|tools to the viewer's globals: one cornerstone instance, one tool registry. */
export const ohifGlobalsPlugin = {
  name: 'ohif-cornerstone-globals',
  setup(build) {
    build.onResolve({ filter: /^@cornerstonejs\/(core|tools)$/ }, (args) => ({ path: args.path, namespace: 'ohif-global' }));
    build.onResolve({ filter: /^@cornerstonejs\/(core|tools)\// }, (args) => ({
      errors: [{ text: `deep import "${args.path}": only the package roots map to OHIF's globals` }],
    }));
    build.onLoad({ filter: /.*/, namespace: 'ohif-global' }, (args) => {
      const name = CORNERSTONE_GLOBALS[args.path];
      return {
        loader: 'js',
        contents:
          `var ns = globalThis[${JSON.stringify(name)}];\n` +
          `if (!ns) throw new Error(${JSON.stringify(`MedSAM needs window.${name} from the OHIF viewer`)});\n` +
          'module.exports = ns;\n',
      };
    });
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  jsx: 'transform',
  define: { 'process.env.NODE_ENV': '"production"' },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
};

const PEERS = ['@ohif/*', '@cornerstonejs/*', 'react', 'react/*', 'react-dom', 'react-dom/*', 'onnxruntime-web'];

export function browserBuildTargets(root) {
  const ext = (p) => join(root, 'extensions/medsam', p);
  const mode = (p) => join(root, 'modes/medsam', p);
  const bundles = join(root, 'dist/bundles');
  const worker = ext('src/worker/medsamWorker.ts');
  return [
    // Run-time form.
    { ...common, entryPoints: [ext('src/runtime/extensionEntry.ts')], outfile: join(bundles, 'medsam-extension.mjs'), plugins: [ohifGlobalsPlugin], minify: true },
    { ...common, entryPoints: [worker], outfile: join(bundles, 'medsam-worker.mjs'), minify: true },
    { ...common, entryPoints: [mode('src/index.ts')], outfile: join(bundles, 'medsam-mode.mjs') },
    // Build-time form.
    { ...common, entryPoints: [ext('src/index.ts')], outfile: ext('dist/esm/index.js'), external: PEERS },
    { ...common, entryPoints: [worker], outfile: ext('dist/esm/medsam-worker.mjs') },
    { ...common, entryPoints: [mode('src/index.ts')], outfile: mode('dist/esm/index.js'), external: PEERS },
  ];
}
