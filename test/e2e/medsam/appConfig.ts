// The viewer's app-config.js for the run-time path: the project's own config (config/viewer/app-config.mjs,
// an ES module jest cannot import, so a child node evaluates it) with our bundle URLs and MedSAM settings.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const EXTENSION_URL = '/medsam/medsam-extension.mjs';
export const MODE_URL = '/medsam/medsam-mode.mjs';

/** `bundles` can leave the extension out (a deployer's mistake the host must survive). */
export function medsamAppConfigJs(repoRoot: string, medsam: Record<string, unknown>, bundles: { extension: string | null; mode: string } = { extension: EXTENSION_URL, mode: MODE_URL }): string {
  const script = `
    import { buildAppConfig, toAppConfigJs } from ${JSON.stringify(path.join(repoRoot, 'config/viewer/app-config.mjs'))};
    const o = JSON.parse(process.argv[1]);
    const config = buildAppConfig({ extensions: o.extension ? [o.extension] : [], modes: [o.mode], modelManifestUrl: o.medsam.modelManifestUrl });
    // One worker unless a test asks for the encoder worker: "auto" would start it on runners with 4 cores or
    // more, splitting the threads the tests compare against the CLI with.
    config.medsam = { ...config.medsam, encoderWorker: 'off', ...o.medsam };
    process.stdout.write(toAppConfigJs(config));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify({ ...bundles, medsam })], { encoding: 'utf8' });
}
