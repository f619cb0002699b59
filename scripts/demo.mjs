// `npm run demo`: the stock OHIF viewer (3.13.2 by default) with our MedSAM extension and mode added at run time, a
// private Orthanc seeded with sample CT/MR studies, all on one cross-origin-isolated origin.
//   --ohif-version V  the prebuilt @ohif/app to serve (default 3.13.2; also MEDSAM_OHIF_VERSION); supported:
//                   3.11.1, 3.12.10, 3.13.2, 3.14.0-beta.6
//   --port N        viewer port (default 3000, or PORT; a busy port falls back to a free one)
//   --no-bundles    the unmodified viewer (no MedSAM extension/mode)
//   --no-build      do not run scripts/build.mjs first
//   --once          start, print, stop (a smoke check and a timing)
//   --no-embedding-service  no embedding service (by default one serves the model's wrapped uint8 encoder on
//                   loopback, proxied at /v2/, and the viewer uses it while it answers: encoderBackend "auto")
// MEDSAM_MODEL_MANIFEST=<url or local manifest.json> points the extension at real MedSAM weights.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL_MANIFEST_ENV } from './demo/modelManifest.mjs';
import { DEFAULT_ORTHANC_PORT } from './demo/orthanc.mjs';
import { demoDir, OHIF_VERSION_ENV, repoRoot } from './demo/paths.mjs';
import { pickPort } from './demo/ports.mjs';
import { discoverBundles, prepareViewer } from './demo/prepareViewer.mjs';
import { startStack } from './demo/stack.mjs';
import { supervise } from './demo/supervise.mjs';
import { ensureSystemPackages } from './demo/system.mjs';

// The MedSAM mode's route (ROUTE_NAME in modes/medsam/src/ids.ts); OHIF's stock mode is at /viewer.
const MEDSAM_ROUTE = 'medsam';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'no-bundles': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    once: { type: 'boolean', default: false },
    'no-embedding-service': { type: 'boolean', default: false },
    'ohif-version': { type: 'string' },
  },
});
// Read lazily by prepareViewer and the stack (scripts/demo/paths.mjs).
if (opts['ohif-version']) process.env[OHIF_VERSION_ENV] = opts['ohif-version'];

async function main() {
  const t0 = Date.now();
  try {
    ensureSystemPackages();
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  // A fresh clone: npm dependencies first (esbuild builds our bundles, onnxruntime-web is served from
  // node_modules); the stock viewer (--no-bundles) needs neither.
  const withBundles = !opts['no-bundles'];
  const steps = [['scripts/ensureDeps.mjs', withBundles], ['scripts/build.mjs', withBundles && !opts['no-build']]];
  for (const [script, wanted] of steps) {
    if (!wanted || !fs.existsSync(path.join(repoRoot, script))) continue;
    try {
      execFileSync(process.execPath, [path.join(repoRoot, script)], { cwd: repoRoot, stdio: 'inherit' });
    } catch {
      console.error(`\n${script} failed (see above). For the stock viewer without our bundles: npm run demo -- --no-bundles`);
      process.exit(1);
    }
  }
  // Also leaves .demo/viewer/ as a complete, deployable viewer with our app-config.js.
  const embeddingService = withBundles && !opts['no-embedding-service'];
  const appConfigJs = prepareViewer({ withBundles, embeddingService });
  const stack = await startStack({
    orthancDir: path.join(demoDir, 'orthanc'),
    orthancPort: DEFAULT_ORTHANC_PORT,
    port: await pickPort(Number(opts.port)),
    appConfigJs,
    embeddingService,
  });
  printSummary(stack, withBundles, Date.now() - t0);
  const stopSupervising = supervise(stack);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    stopSupervising();
    console.log('\nStopping Orthanc and the viewer server ...');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (opts.once) await stop();
}

function printSummary(stack, withBundles, ms) {
  const { url, manifest, seeded, orthanc, modelManifestUrl } = stack;
  const bundles = withBundles ? discoverBundles() : { extensions: [], modes: [] };
  const route = bundles.modes.length ? MEDSAM_ROUTE : 'viewer';
  console.log(`\nOrthanc (private, loopback): ${orthanc.url}  storage ${path.relative(repoRoot, orthanc.dir)}`);
  console.log(`Seeded: ${seeded.uploaded} uploaded, ${seeded.skipped} already stored`);
  if (!withBundles) console.log('MedSAM bundles: off (--no-bundles): the stock viewer');
  else if (!bundles.extensions.length && !bundles.modes.length) console.log('MedSAM bundles: none in dist/bundles yet: the stock viewer');
  else console.log(`MedSAM bundles: ${[...bundles.extensions, ...bundles.modes].join(' ')}`);
  const service = stack.embeddings;
  if (withBundles) console.log(`Embedding service: ${service ? `${service.url} (same origin at /v2/, encoderBackend "auto")` : 'off: embeddings are computed in the browser'}`);
  console.log(`Model manifest: ${modelManifestUrl}${process.env[MODEL_MANIFEST_ENV] ? '' : `  (set ${MODEL_MANIFEST_ENV} for real MedSAM weights)`}`);
  console.log('\nStudies:');
  for (const s of manifest.studies) {
    const label = (s.description || s.patientName).padEnd(42);
    console.log(`  ${s.modality.padEnd(3)} ${String(s.files.length).padStart(3)} img  ${label} ${url}/${route}?StudyInstanceUIDs=${s.studyUid}`);
  }
  console.log(`\nOHIF viewer ready in ${(ms / 1000).toFixed(1)} s:  ${url}\nCtrl-C stops it.`);
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
