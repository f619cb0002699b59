// One origin for everything the viewer touches: the OHIF dist, our run-time bundles, onnxruntime-web, the
// models, and Orthanc behind /dicom-web and /wado (Orthanc sends no CORS headers). Every response, proxied
// ones included, carries COOP/COEP/CORP so the page is cross-origin isolated (ORT WASM threads need it).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { contentType } from './mime.mjs';
import { bundlesDir, modelsDir, ortDir, viewerDir as defaultViewerDir } from './paths.mjs';

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const PROXY_PATH = /^\/(dicom-web|wado)(\/|\?|$)/;
// The Open Inference Protocol's paths: the embedding service, when the demo runs one.
const EMBEDDING_PATH = /^\/v2(\/|\?|$)/;
const INFER_PATH = /^\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/infer$/;
// Connection-level headers must not be forwarded by a proxy (RFC 9110 §7.6.1); Node frames bodies itself.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

function withoutHopByHop(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

/**
 * OHIF asks QIDO for `includefield=a,b,c` (a list, as PS3.18 allows); Orthanc's DICOMweb plugin 1.7 only
 * understands one attribute per parameter and silently drops the whole list, so the worklist loses its
 * study descriptions. The same request as repeated parameters means the same thing to any server.
 */
export function splitIncludeFields(url) {
  const u = new URL(url, 'http://x');
  const fields = u.searchParams.getAll('includefield');
  if (!fields.some((f) => f.includes(','))) return url;
  u.searchParams.delete('includefield');
  for (const f of fields.flatMap((v) => v.split(','))) if (f.trim()) u.searchParams.append('includefield', f.trim());
  return u.pathname + u.search;
}

function sendText(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Headers for the embedding service. It refuses browser origins it was not told about, and Host names that
 * are not loopback: a same-origin request (Origin = our own origin) reaches it as from a plain client, and
 * Host names the service. A foreign Origin goes through, so the service still refuses other web sites.
 */
function embeddingHeaders(req, target) {
  const headers = withoutHopByHop(req.headers);
  const own = `http://${req.headers.host}`;
  if (headers.origin === own) delete headers.origin;
  headers.host = new URL(target).host;
  return headers;
}

function proxy(req, res, target, timeoutMs, { name = 'PACS', headers = withoutHopByHop(req.headers), onSent } = {}) {
  const upstream = http.request(new URL(splitIncludeFields(req.url), target), {
    method: req.method,
    // The Host header goes through unchanged: Orthanc builds RetrieveURLs from it, so they name our origin.
    headers,
    timeout: timeoutMs,
  });
  if (onSent) upstream.on('finish', onSent);
  upstream.on('response', (up) => {
    res.writeHead(up.statusCode, up.statusMessage, { ...withoutHopByHop(up.headers), ...ISOLATION_HEADERS });
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
  upstream.on('error', (err) => {
    if (res.headersSent) return res.destroy(err);
    const status = err.code === 'ETIMEDOUT' ? 504 : 502;
    const body = JSON.stringify({
      error: status === 504 ? `${name} did not answer in time` : `${name} unreachable`,
      target: String(target),
      detail: `${err.code ?? ''} ${err.message}`.trim(),
    });
    sendText(res, status, body, 'application/json; charset=utf-8');
  });
  // The client going away (tab closed, fetch aborted) must not leave Orthanc streaming into nothing.
  res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
  req.pipe(upstream);
}

/**
 * /v2/* to the embedding service. `embeddings.target()` is read per request (the service may restart on
 * another port); `onInferSent` runs once an inference request has been handed to it in full (tests kill the
 * service right then, to fail a request that is in flight).
 */
function proxyEmbeddings(req, res, urlPath, embeddings) {
  const target = embeddings.target();
  if (!target) return sendText(res, 503, JSON.stringify({ error: 'the embedding service is not running' }), 'application/json; charset=utf-8');
  const infer = req.method === 'POST' && INFER_PATH.test(urlPath);
  // Longer than the client's own 120 s default: a ViT-B encoder on a busy CPU is slow, not dead.
  proxy(req, res, target, embeddings.timeoutMs ?? 130_000, {
    name: 'embedding service',
    headers: embeddingHeaders(req, target),
    onSent: infer ? embeddings.onInferSent : undefined,
  });
}

/** Map a URL path to a file under one of the mounts; null if it escapes its root or matches none. */
function resolveFile(urlPath, mounts) {
  for (const { prefix, dir } of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    const file = path.resolve(dir, '.' + path.posix.normalize('/' + urlPath.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + path.sep)) return null;
    return file;
  }
  return null;
}

function statFile(file) {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

function serveFile(req, res, file, st) {
  const headers = {
    ...ISOLATION_HEADERS,
    'Content-Type': contentType(file),
    'Content-Length': st.size,
    'Last-Modified': st.mtime.toUTCString(),
    // Revalidate every time: bundles and app-config change under a running demo.
    'Cache-Control': 'no-cache',
  };
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  if (since && Math.floor(st.mtimeMs / 1000) * 1000 <= since) {
    res.writeHead(304, { ...ISOLATION_HEADERS, 'Last-Modified': headers['Last-Modified'], 'Cache-Control': 'no-cache' });
    return res.end();
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

// Client-side routes (/viewer, /medsam?StudyInstanceUIDs=...) are pages the SPA renders, not files.
function isPageRequest(req, urlPath) {
  return !path.posix.basename(urlPath).includes('.') || (req.headers.accept ?? '').includes('text/html');
}

/**
 * Start the demo/e2e server. `appConfigJs` (a string) overrides the dist's /app-config.js, e.g. to show the
 * stock viewer without our bundles. Returns { url, port, close() }.
 */
export function startViewerServer({
  port = 3000,
  host = '127.0.0.1',
  orthancUrl,
  viewerDir = defaultViewerDir,
  appConfigJs,
  proxyTimeoutMs = 30000,
  mounts: extraMounts = [],
  embeddings = null,
} = {}) {
  if (!orthancUrl) throw new Error('startViewerServer: orthancUrl is required');
  const root = path.resolve(viewerDir);
  const mounts = [
    ...extraMounts,
    { prefix: '/medsam/', dir: bundlesDir },
    { prefix: '/ort/', dir: ortDir },
    { prefix: '/models/', dir: modelsDir },
    { prefix: '/', dir: root },
  ].map((m) => ({ ...m, dir: path.resolve(m.dir) }));

  const server = http.createServer((req, res) => {
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return sendText(res, 400, 'bad URL\n');
    }
    if (PROXY_PATH.test(urlPath)) return proxy(req, res, orthancUrl, proxyTimeoutMs);
    if (embeddings && EMBEDDING_PATH.test(urlPath)) return proxyEmbeddings(req, res, urlPath, embeddings);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed\n');
    if (urlPath === '/app-config.js' && appConfigJs !== undefined) {
      return sendText(res, 200, appConfigJs, 'text/javascript; charset=utf-8');
    }
    const file = resolveFile(urlPath, mounts);
    if (!file) return sendText(res, 403, 'forbidden\n');
    const st = statFile(file);
    if (st) return serveFile(req, res, file, st);
    const index = path.join(root, 'index.html');
    const indexSt = isPageRequest(req, urlPath) && statFile(index);
    if (indexSt) return serveFile(req, res, index, indexSt);
    sendText(res, 404, `not found: ${urlPath}\n`);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      resolve({
        url: `http://${host}:${actual}`,
        port: actual,
        server,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
