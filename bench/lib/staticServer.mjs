// A tiny static server for the Chromium benchmark page: every response carries COOP/COEP/CORP so the page
// is cross-origin isolated (SharedArrayBuffer, hence onnxruntime-web's WASM threads).
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

/** mounts: [{ prefix: '/ort/', dir }]; resolves to { url, close() }. */
export function startStaticServer(mounts) {
  const resolved = mounts.map((m) => ({ prefix: m.prefix, dir: path.resolve(m.dir) }));
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const mount = resolved.find((m) => urlPath.startsWith(m.prefix));
    const file = mount && path.resolve(mount.dir, '.' + path.posix.normalize('/' + urlPath.slice(mount.prefix.length)));
    let st;
    try {
      st = file && file.startsWith(mount.dir + path.sep) ? statSync(file) : null;
    } catch {
      st = null;
    }
    if (!st?.isFile()) {
      res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' });
      return res.end(`not found: ${urlPath}\n`);
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { ...ISOLATION, 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      }),
    );
  });
}
