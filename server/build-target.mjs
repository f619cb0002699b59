// esbuild options for the embedding service: main.cjs (the CLI), encoderWorker.cjs and decoderWorker.cjs (its worker threads)
// side by side, one CommonJS file each; onnxruntime stays in node_modules (native addon).
import { join } from 'node:path';

/** @param {string} root repository root; @param {{ outdir?: string }} [opts] */
export function serverBuildTarget(root, opts = {}) {
  return {
    entryPoints: [join(root, 'server/src/main.ts'), join(root, 'server/src/workers/encoderWorker.ts'), join(root, 'server/src/workers/decoderWorker.ts')],
    outdir: opts.outdir ?? join(root, 'server/dist'),
    entryNames: '[name]',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node', 'onnxruntime-web'],
    logLevel: 'warning',
  };
}
