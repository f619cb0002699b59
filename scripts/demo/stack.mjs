// The whole demo stack in one call: sample data, a private Orthanc seeded with it, and the viewer server.
// `npm run demo` calls startStack(); the jest e2e harness forks this file with `--ipc` (jest cannot import
// ES modules) and drives it by messages, including stopping and restarting Orthanc for fault tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allFiles, prepareSamples } from '../data/prepare_samples.mjs';
import { modelList } from '../../config/viewer/app-config.mjs';
import { serviceManifestsFor, startEmbeddingService } from './embeddingService.mjs';
import { localManifestPath, resolveModelManifest } from './modelManifest.mjs';
import { startOrthanc, uploadInstances } from './orthanc.mjs';
import { isMain, modelsDir } from './paths.mjs';
import { appConfigJs as makeAppConfigJs, ensureViewerDist } from './prepareViewer.mjs';
import { startViewerServer } from './server.mjs';
import { ensureSystemPackages } from './system.mjs';

/**
 * Sample UIDs are fixed, so a regenerated sample would be "already stored" with its old pixels: a kept
 * Orthanc storage is emptied when the samples it was seeded with changed.
 */
function forgetStaleStorage(dir, samplesKey, log) {
  const stamp = path.join(dir, 'samples-key');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') !== samplesKey) {
    log(`Sample data changed: emptying ${dir}/db`);
    fs.rmSync(path.join(dir, 'db'), { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(stamp, samplesKey);
}

/**
 * @param {object} o
 * @param {string} [o.orthancDir] Orthanc's state; a fresh temp dir (removed on stop) when omitted.
 * @param {number} [o.orthancPort] wished port; 0 (default) = any free port.
 * @param {number} [o.port] viewer port; 0 = any free port.
 * @param {boolean} [o.withBundles] false serves the stock viewer (no MedSAM extension/mode).
 * @param {string} [o.appConfigJs] explicit app-config.js text (overrides withBundles).
 * @param {{ prefix: string, dir: string }[]} [o.mounts] extra static folders (tests serve fixtures this way).
 * @param {boolean | { manifest?: string, manifests?: string[], threads?: number }} [o.embeddingService] run the
 *   embedding service and proxy /v2/ to it: true serves every local model the viewer lists (each one's
 *   manifest_u8.json when there is one), each under its manifest's name, so the viewer finds the one it loads;
 *   an object names the manifest(s). Remote models have no local files to serve: with none local there is no
 *   service (logged).
 */
export async function startStack({
  orthancDir,
  orthancPort = 0,
  port = 0,
  withBundles = true,
  appConfigJs,
  mounts = [],
  embeddingService = false,
  log = console.log,
} = {}) {
  const timings = {};
  const t = (name, t0) => { timings[name] = Date.now() - t0; };
  let t0 = Date.now();
  const viewerDir = ensureViewerDist({ log });
  const model = resolveModelManifest();
  const configText = appConfigJs ?? makeAppConfigJs({ withBundles, modelManifestUrl: model.url });
  t('viewer', t0);
  t0 = Date.now();
  const manifest = prepareSamples({ log });
  t('samples', t0);

  const ownsDir = !orthancDir;
  const dir = orthancDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'medsam-orthanc-'));
  forgetStaleStorage(dir, manifest.key, log);
  t0 = Date.now();
  const orthanc = await startOrthanc({ dir, port: orthancPort });
  t('orthanc', t0);
  let server;
  let embeddings = null;
  // Tests arm this to kill the service right after an inference request reached it (see serveIpc).
  let onInferSent = null;
  try {
    t0 = Date.now();
    const seeded = await uploadInstances(orthanc.url, allFiles(manifest));
    t('seed', t0);
    if (embeddingService) {
      t0 = Date.now();
      const listed = modelList(model.url).map((m) => localManifestPath(m.manifestUrl === model.url ? model : { url: m.manifestUrl, mount: null }, modelsDir));
      const o = embeddingService === true ? { manifests: serviceManifestsFor(listed) } : embeddingService;
      if (o.manifest || o.manifests?.length) embeddings = await startEmbeddingService({ ...o, log });
      else log('No embedding service: no listed model is a local file (the viewer computes embeddings itself)');
      t('embeddings', t0);
    }
    server = await startViewerServer({
      port,
      viewerDir,
      orthancUrl: orthanc.url,
      appConfigJs: configText,
      mounts: model.mount ? [...mounts, model.mount] : mounts,
      embeddings: embeddings && { target: () => embeddings.url, onInferSent: () => onInferSent?.() },
    });
    return {
      url: server.url,
      orthanc,
      server,
      manifest,
      seeded,
      timings,
      modelManifestUrl: model.url,
      embeddings,
      /** Resolves once the service was killed (SIGKILL) right after the next inference request reached it. */
      killEmbeddingsOnNextInfer() {
        if (!embeddings) return Promise.reject(new Error('no embedding service is running'));
        return new Promise((resolve, reject) => {
          onInferSent = () => {
            onInferSent = null;
            embeddings.kill('SIGKILL').then(resolve, reject);
          };
        });
      },
      async stop() {
        await server.close();
        await embeddings?.stop();
        await orthanc.stop();
        if (ownsDir) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server?.close();
    await embeddings?.stop();
    await orthanc.stop();
    if (ownsDir) fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Child-process mode for the e2e harness: { cmd: 'start' | 'orthanc.stop' | 'orthanc.restart' | 'stop' }. */
function serveIpc() {
  let stack = null;
  const reply = (msg, body) => process.send({ id: msg.id, ...body });
  async function shutdown() {
    await stack?.stop().catch(() => {});
    stack = null;
  }
  process.on('message', async (msg) => {
    try {
      if (msg.cmd === 'start') {
        // `npm test` on a fresh machine: install (as root) or name the Debian packages the e2e tests need.
        ensureSystemPackages({ forTests: true, log: (line) => process.stderr.write(`[stack] ${line}\n`) });
        stack = await startStack({ ...msg.options, log: (line) => process.stderr.write(`[stack] ${line}\n`) });
        const { url, manifest, seeded, timings, modelManifestUrl } = stack;
        const embeddingServiceUrl = stack.embeddings?.url ?? null;
        reply(msg, { ok: true, url, orthancUrl: stack.orthanc.url, manifest, seeded, timings, modelManifestUrl, embeddingServiceUrl });
      } else if (msg.cmd === 'orthanc.stop') {
        await stack.orthanc.stop();
        reply(msg, { ok: true });
      } else if (msg.cmd === 'orthanc.restart') {
        await stack.orthanc.restart();
        reply(msg, { ok: true });
      } else if (msg.cmd === 'embeddings.killOnNextInfer') {
        await stack.killEmbeddingsOnNextInfer();
        reply(msg, { ok: true });
      } else if (msg.cmd === 'embeddings.restart') {
        await stack.embeddings.restart();
        reply(msg, { ok: true, embeddingServiceUrl: stack.embeddings.url });
      } else if (msg.cmd === 'stop') {
        await shutdown();
        reply(msg, { ok: true });
        process.disconnect();
      } else {
        reply(msg, { ok: false, error: `unknown command ${msg.cmd}` });
      }
    } catch (err) {
      reply(msg, { ok: false, error: String(err?.stack ?? err) });
    }
  });
  // The test runner died or forgot us: never leave an Orthanc behind.
  process.on('disconnect', () => shutdown().then(() => process.exit(0)));
}

if (isMain(import.meta.url)) {
  if (!process.send) {
    console.error('stack.mjs is a library (and the e2e harness\'s child process); run `npm run demo` instead.');
    process.exit(2);
  }
  serveIpc();
}
