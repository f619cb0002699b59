// Where the demo keeps its generated, gitignored state. One place so the demo, the data scripts and the
// e2e harness agree on it.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const demoDir = path.join(repoRoot, '.demo');
export const viewerDir = path.join(demoDir, 'viewer');
export const dataDir = path.join(demoDir, 'data');
export const bundlesDir = path.join(repoRoot, 'dist', 'bundles');
export const ortDir = path.join(repoRoot, 'node_modules', 'onnxruntime-web', 'dist');
export const modelsDir = path.join(repoRoot, 'models');

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl) {
  return !!process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);
}
