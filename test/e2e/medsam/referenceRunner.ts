// Runs serviceReference.ts as a node process (bundled with esbuild into test-output/, where node_modules
// resolve): onnxruntime-web's WASM build needs dynamic import, which jest's VM does not give it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import type { ServiceReference, ServiceReferenceOptions } from './serviceReference';

const run = promisify(execFile);

export async function runServiceReference(repoRoot: string, options: ServiceReferenceOptions): Promise<ServiceReference & { ms: number }> {
  const outfile = path.join(repoRoot, 'test-output', '.tools', 'service-reference.cjs');
  buildSync({
    entryPoints: [path.join(__dirname, 'serviceReference.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node', 'onnxruntime-web', '@cornerstonejs/codec-*', 'dcmjs'],
    logLevel: 'warning',
  });
  const t0 = Date.now();
  const { stdout } = await run(process.execPath, [outfile, JSON.stringify(options)], { cwd: repoRoot, maxBuffer: 64 << 20 });
  const out = JSON.parse(stdout) as { rows: number; columns: number; ones: number[] };
  const mask = new Uint8Array(out.rows * out.columns);
  for (const i of out.ones) mask[i] = 1;
  return { rows: out.rows, columns: out.columns, mask, ms: Date.now() - t0 };
}
