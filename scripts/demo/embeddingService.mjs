// The embedding service (server/dist/main.cjs) as a child of the demo: loopback only, a free port, its one
// stdout line "listening on URL" read for the address. The viewer server proxies /v2/ to it, so the browser
// reaches it on the viewer's own origin (no CORS, page stays cross-origin isolated).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.mjs';

export const serverMain = path.join(repoRoot, 'server/dist/main.cjs');

/**
 * The manifest the service serves for the model the viewer loads: the wrapped uint8 encoder
 * (manifest_u8.json, models/export/wrap_uint8_encoder.py) beside a local manifest when there is one, else
 * the manifest itself (the server then does min-max itself; same embedding). Null for a remote model.
 */
export function serviceManifestFor(localManifest) {
  if (!localManifest || !fs.existsSync(localManifest)) return null;
  const wrapped = path.join(path.dirname(localManifest), 'manifest_u8.json');
  return fs.existsSync(wrapped) ? wrapped : localManifest;
}

/**
 * The manifests one service serves for the models the viewer lists: serviceManifestFor of each local one, each
 * model under its manifest's name (what the viewer asks for); the first of a name wins (the server refuses two).
 */
export function serviceManifestsFor(localManifests) {
  const byName = new Map();
  for (const local of localManifests) {
    const manifest = serviceManifestFor(local);
    if (!manifest) continue;
    const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    if (!byName.has(name)) byName.set(name, manifest);
  }
  return [...byName.values()];
}

function waitForUrl(child, log) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const fail = (why) => reject(new Error(`the embedding service did not start: ${why}\n${err.trim().slice(-2000)}`));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
      for (const line of String(chunk).split('\n')) if (line.trim()) log(`[embeddings] ${line}`);
    });
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal})`));
  });
}

/**
 * Start the service on `manifests` (or the one `manifest`): one endpoint, each model under its manifest's name.
 * Returns { url (null once stopped), manifests, kill(signal), restart(), stop() }; `url` is read on every
 * proxied request, so a restart (new port) needs no other change.
 */
export async function startEmbeddingService({ manifest, manifests = manifest ? [manifest] : [], threads = 1, log = console.log } = {}) {
  if (!fs.existsSync(serverMain)) throw new Error(`${path.relative(repoRoot, serverMain)} is missing: run node scripts/build.mjs`);
  if (manifests.length === 0) throw new Error('startEmbeddingService: no manifest to serve');
  let child = null;
  let url = null;
  async function start() {
    // One worker, few threads: the demo machine also runs the browser's own encoder and Orthanc.
    const args = [serverMain, ...manifests.flatMap((m) => ['--model', m]), '--host', '127.0.0.1', '--port', '0', '--concurrency', '1', '--threads', String(threads)];
    child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const own = child;
    own.once('exit', () => {
      if (child === own) url = null;
    });
    url = await waitForUrl(own, log);
    log(`Embedding service ${url} serving ${manifests.map((m) => path.relative(repoRoot, m)).join(', ')}`);
  }
  const exited = () => (child && child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : Promise.resolve());
  await start();
  return {
    get url() {
      return url;
    },
    manifests,
    get pid() {
      return child?.pid ?? null;
    },
    /** Like a crash (SIGKILL) by default; resolves once the process is gone. */
    async kill(signal = 'SIGKILL') {
      const gone = exited();
      child?.kill(signal);
      await gone;
      url = null;
    },
    async restart() {
      await this.kill('SIGTERM');
      await start();
    },
    async stop() {
      await this.kill('SIGTERM');
    },
  };
}
