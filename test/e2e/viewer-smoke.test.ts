// The e2e infrastructure itself: the stock OHIF 3.13.2 viewer (none of our bundles) behind our server,
// reading the seeded Orthanc through the same-origin proxy, cross-origin isolated.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, qidoStudies, startStack, waitForRenderedImage } from './harness';
import type { BrowserSession, Stack } from './harness';

const NAME = 'viewer-smoke';
let stack: Stack;
let browser: BrowserSession;
const artifacts = new Artifacts(NAME);
// Files of each type the viewer loads, served from a fixture mount to check the content types.
const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'medsam-e2e-fixtures-'));
for (const f of ['model.onnx', 'worker.mjs', 'ort.wasm', 'manifest.json']) fs.writeFileSync(path.join(fixtures, f), 'x');

/** GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    http.get({ hostname, port, path: rawPath }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  stack = await startStack({ withBundles: false, logFile: artifacts.file('stack.log'), mounts: [{ prefix: '/fixtures/', dir: fixtures }] });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  artifacts.writeText('console-errors.txt', (browser?.errors ?? []).join('\n'));
  await browser?.close();
  await stack?.stop();
  fs.rmSync(fixtures, { recursive: true, force: true });
});

test('the CT phantom renders in the stock viewer mode, cross-origin isolated, with all demo studies listed', async () => {
  const ct = findStudy(stack.manifest, CT_PHANTOM);
  const { page } = browser;
  await openStudy(page, stack.url, 'viewer', ct.studyUid);

  const [shown] = await waitForRenderedImage(page, { timeoutMs: 90_000 });
  await artifacts.screenshot(page, 'ct-phantom-rendered');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(shown.imageId).toContain(ct.files[0].seriesUid);
  // The phantom's body fills a good part of the viewport; a blank or flat canvas fails here.
  expect(shown.nonBlank).toBeGreaterThan(0.1);
  expect(shown.levels).toBeGreaterThan(20);

  const listed = await qidoStudies(page);
  expect(listed.length).toBeGreaterThanOrEqual(5);
  expect(listed.map((s) => s.studyUid)).toEqual(expect.arrayContaining(stack.manifest.studies.map((s) => s.studyUid)));
  expect(listed.find((s) => s.studyUid === ct.studyUid)?.description).toBe(CT_PHANTOM);
  expect(browser.errors).toEqual([]);
});

test('a stopped PACS gives a clear 502 through the proxy, and a restart brings the same data back', async () => {
  const { page } = browser;
  const qido = () => page.evaluate(async () => {
    const res = await fetch('/dicom-web/studies');
    return { status: res.status, coep: res.headers.get('cross-origin-embedder-policy'), body: await res.text() };
  });
  await stack.stopOrthanc();
  const down = await qido();
  expect(down.status).toBe(502);
  expect(down.coep).toBe('require-corp');
  expect(JSON.parse(down.body).error).toBe('PACS unreachable');

  await stack.restartOrthanc();
  const up = await qido();
  expect(up.status).toBe(200);
  expect(JSON.parse(up.body)).toHaveLength(stack.manifest.studies.length);
});

test('every response is isolation-ready with the right content type, and nothing outside a mount is served', async () => {
  const cases: Array<[string, number, string]> = [
    ['/', 200, 'text/html'],
    [`/viewer?StudyInstanceUIDs=${stack.manifest.studies[0].studyUid}`, 200, 'text/html'], // SPA route
    ['/app-config.js', 200, 'text/javascript'],
    ['/ort/ort-wasm-simd-threaded.wasm', 200, 'application/wasm'],
    ['/ort/ort.wasm.min.mjs', 200, 'text/javascript'],
    ['/fixtures/worker.mjs', 200, 'text/javascript'],
    ['/fixtures/ort.wasm', 200, 'application/wasm'],
    ['/fixtures/model.onnx', 200, 'application/octet-stream'],
    ['/fixtures/manifest.json', 200, 'application/json'],
    ['/medsam/no-such-bundle.mjs', 404, 'text/plain'],
    ['/dicom-web/studies', 200, 'application/dicom+json'],
  ];
  for (const [url, status, type] of cases) {
    const res = await rawGet(stack.url, url);
    expect([url, res.status, String(res.headers['content-type']).split(';')[0]]).toEqual([url, status, type]);
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  }
  for (const escape of ['/fixtures/../../../../etc/passwd', '/fixtures/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/ort/..%2f..%2f..%2fpackage.json']) {
    const res = await rawGet(stack.url, escape);
    expect(res.body).not.toMatch(/root:|"name"/);
  }
});
