// The prebuilt OHIF viewer, unmodified: `npm pack @ohif/app@<version>` (3.13.2 unless MEDSAM_OHIF_VERSION) gives the whole dist (a viewer we add
// our extension and mode to at run time, never rebuild). Cached in .demo/viewer[-<version>]/; only app-config.js is ours.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildAppConfig, DEMO_EMBEDDING_SERVICE_URL, toAppConfigJs } from '../../config/viewer/app-config.mjs';
import { withLock } from './lock.mjs';
import { bundlesDir, demoDir, isMain, ohifVersion, viewerDirFor } from './paths.mjs';
import { resolveModelManifest } from './modelManifest.mjs';

const STAMP = '.ohif-app-version';

/** Download and unpack the viewer dist unless the cached copy is already this version. */
export function ensureViewerDist({ log = console.log } = {}) {
  return withLock('viewer', () => unpackViewerDist(log));
}

function unpackViewerDist(log) {
  const OHIF_APP_VERSION = ohifVersion();
  const viewerDir = viewerDirFor(OHIF_APP_VERSION);
  const stamp = path.join(viewerDir, STAMP);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === OHIF_APP_VERSION) return viewerDir;
  fs.mkdirSync(demoDir, { recursive: true });
  // Work beside the target so the final step is a rename: an interrupted run leaves no half viewer.
  const tmp = fs.mkdtempSync(path.join(demoDir, 'viewer-tmp-'));
  try {
    log(`Fetching @ohif/app@${OHIF_APP_VERSION} (npm pack) ...`);
    const out = execFileSync('npm', ['pack', `@ohif/app@${OHIF_APP_VERSION}`, '--silent', '--pack-destination', tmp], {
      cwd: tmp,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tgz = path.join(tmp, out.trim().split('\n').pop());
    execFileSync('tar', ['-xzf', tgz, '-C', tmp, 'package/dist'], { stdio: 'inherit' });
    fs.writeFileSync(path.join(tmp, 'package/dist', STAMP), OHIF_APP_VERSION + '\n');
    fs.rmSync(viewerDir, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, 'package/dist'), viewerDir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return viewerDir;
}

/**
 * Our ES-module bundles as URLs under /medsam/. Convention with scripts/bundles.mjs: a top-level `.mjs`
 * whose name has the word `extension` (medsam-extension.mjs) is an extension, `mode` a mode; anything else
 * there (medsam-worker.mjs, chunks) is loaded by those, never by OHIF.
 */
export function discoverBundles(dir = bundlesDir) {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort() : [];
  const urls = (word) => files.filter((f) => f.slice(0, -4).split(/[-_.]/).includes(word)).map((f) => `/medsam/${f}`);
  return { extensions: urls('extension'), modes: urls('mode') };
}

/**
 * The app-config.js text: with our bundles (when built) or, withBundles false, the stock viewer;
 * `embeddingService` adds the same-origin embedding service (encoderBackend "auto").
 */
export function appConfigJs({ withBundles = true, modelManifestUrl = resolveModelManifest().url, embeddingService = false } = {}) {
  const bundles = withBundles ? discoverBundles() : { extensions: [], modes: [] };
  const service = withBundles && embeddingService ? { embeddingServiceUrl: DEMO_EMBEDDING_SERVICE_URL } : {};
  return toAppConfigJs(buildAppConfig({ ...bundles, modelManifestUrl, ...service }));
}

/** Viewer dist in place and our app-config.js written into it. Returns the config text. */
export function prepareViewer(options = {}) {
  const viewerDir = ensureViewerDist(options);
  const text = appConfigJs(options);
  fs.writeFileSync(path.join(viewerDir, 'app-config.js'), text);
  return text;
}

if (isMain(import.meta.url)) {
  const withBundles = !process.argv.includes('--no-bundles');
  const text = prepareViewer({ withBundles });
  console.log(`Viewer ready in ${viewerDirFor()}\n${text}`);
}
