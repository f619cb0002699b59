// Where the demo keeps its generated, gitignored state. One place so the demo, the data scripts and the
// e2e harness agree on it.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const demoDir = path.join(repoRoot, '.demo');
/** The prebuilt @ohif/app the demo and the e2e harness serve; MEDSAM_OHIF_VERSION picks another. */
export const DEFAULT_OHIF_VERSION = '3.13.2';
export const OHIF_VERSION_ENV = 'MEDSAM_OHIF_VERSION';
export const ohifVersion = () => process.env[OHIF_VERSION_ENV] || DEFAULT_OHIF_VERSION;
/** The default version's dist stays in .demo/viewer (a deployable viewer); others beside it. */
export const viewerDirFor = (version = ohifVersion()) =>
  path.join(demoDir, version === DEFAULT_OHIF_VERSION ? 'viewer' : `viewer-${version}`);
export const viewerDir = viewerDirFor(DEFAULT_OHIF_VERSION);
export const dataDir = path.join(demoDir, 'data');
export const bundlesDir = path.join(repoRoot, 'dist', 'bundles');
export const ortDir = path.join(repoRoot, 'node_modules', 'onnxruntime-web', 'dist');
export const modelsDir = path.join(repoRoot, 'models');

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl) {
  return !!process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);
}
