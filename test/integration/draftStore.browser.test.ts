// The IndexedDB store behind local drafts (and the embedding cache), in a real browser's IndexedDB: Debian's
// Chromium on a page of our own origin runs the bundled module. Drafts go in and come back as drafts
// (Uint32Array runs included), keys list them without reading values, a byte bound evicts the least
// recently used, delete removes one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { launchBrowser, type BrowserSession } from '../e2e/harness/browser';

const root = path.resolve(__dirname, '../..');

jest.setTimeout(120_000);

let server: http.Server;
let url: string;
let browser: BrowserSession;

beforeAll(async () => {
  const bundle = await build({
    stdin: {
      contents: `export { openKeyValueStore } from './extensions/medsam/src/utils/idbStore';
                 export { isDraft, maskRuns, valueRuns, decodeRuns, draftKey, draftBytes, DRAFT_VERSION } from './extensions/medsam/src/session/draftCodec';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'DraftStoreUnderTest',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  server = http.createServer((req, res) => {
    if (req.url === '/store.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><script src="/store.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
  await browser.page.goto(url);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

type Api = typeof import('../../extensions/medsam/src/utils/idbStore') & typeof import('../../extensions/medsam/src/session/draftCodec');

test('a draft goes in and comes back as a draft, voxel for voxel; keys list it; delete removes it', async () => {
  const out = await browser.page.evaluate(async () => {
    const api = (window as unknown as { DraftStoreUnderTest: Api }).DraftStoreUnderTest;
    const store = (await api.openKeyValueStore<unknown>('draft-roundtrip', 1 << 20))!;
    const slice = new Uint8Array(64 * 64);
    for (let i = 0; i < slice.length; i++) if ((i % 64) - 20 < 10 && (i % 64) >= 20 && i > 640 && i < 3000) slice[i] = 2;
    const draft: import('../../extensions/medsam/src/session/draftCodec').SegmentationDraft = {
      version: api.DRAFT_VERSION,
      studyInstanceUID: '1.2',
      seriesInstanceUID: '1.2.3',
      segmentationId: 's1',
      label: 'MedSAM',
      rows: 64,
      columns: 64,
      updatedAt: Date.now(),
      segments: [{ segmentIndex: 2, label: 'Spleen', target: 'spleen' as const, slices: [{ frame: { sopInstanceUID: '1.2.3.4' }, runs: api.maskRuns(api.valueRuns(slice)!, 2)! }] }],
    };
    const key = api.draftKey(draft);
    await store.put(key, draft, api.draftBytes(draft));
    const back = await store.get(key);
    const keys = await store.keys();
    const mask = api.isDraft(back) ? api.decodeRuns(back.segments[0].slices[0].runs, 64 * 64) : null;
    const same = !!mask && mask.every((v, i) => v === (slice[i] === 2 ? 1 : 0));
    await store.delete(key);
    return { isDraft: api.isDraft(back), same, ones: mask?.reduce((a, b) => a + b, 0), keys, after: await store.get(key), keysAfter: await store.keys() };
  });
  expect(out).toEqual({ isDraft: true, same: true, ones: expect.any(Number), keys: ['1.2|1.2.3|s1'], after: undefined, keysAfter: [] });
  expect(out.ones).toBeGreaterThan(100);
});

test('bounded in bytes: the least recently used goes first; an entry over the bound is not kept', async () => {
  const out = await browser.page.evaluate(async () => {
    const api = (window as unknown as { DraftStoreUnderTest: Api }).DraftStoreUnderTest;
    const store = (await api.openKeyValueStore<string>('draft-bound', 1000))!;
    const tick = () => new Promise((r) => setTimeout(r, 5));
    await store.put('a', 'A', 400);
    await tick();
    await store.put('b', 'B', 400);
    await tick();
    await store.get('a'); // a is used again: b is now the oldest
    await tick();
    await store.put('c', 'C', 400);
    const afterC = (await store.keys()).sort();
    await store.put('huge', 'H', 5000);
    return { afterC, values: [await store.get('a'), await store.get('b'), await store.get('c')], huge: await store.get('huge'), disabled: await api.openKeyValueStore('draft-off', 0) };
  });
  expect(out).toEqual({ afterC: ['a', 'c'], values: ['A', undefined, 'C'], huge: undefined, disabled: null });
});
