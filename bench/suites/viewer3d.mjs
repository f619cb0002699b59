// A 3D propagation in the real viewer (issue 10), the extension's own code path: the demo stack (prebuilt OHIF,
// our bundles, Orthanc, the embedding service, Debian Chromium), the CT phantom in the MedSAM mode, a 2D box on
// the liver's largest slice (the reader's first step), then `medsamSegment3d` with a range over the whole
// series (MedSAM's 3D box). Setups differ only in the page's app-config (served per page): where the encoder
// and the decoder run. Each walk gets a fresh page, so its worker's embedding cache is empty (the key slice's
// embedding comes from the 2D box, as in the reader's flow); rounds alternate the setups (order reversed).
// Per walk: the wait (command → the 3D preview complete), slices per second, and from the extension's own
// per-slice record (medsamGet3dState().result.timings: the worker's encoder and decoder times) the walk's time
// against N × max(encoder, decoder) (the pipelined bound) and N × (encoder + decoder) (the unpipelined one);
// bytes on the wire to and from /v2/ (the embedding service) during the walk.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAppConfig, toAppConfigJs } from '../../config/viewer/app-config.mjs';
import { serviceManifestFor } from '../../scripts/demo/embeddingService.mjs';
import { localManifestPath, resolveModelManifest } from '../../scripts/demo/modelManifest.mjs';
import { modelsDir } from '../../scripts/demo/paths.mjs';
import { discoverBundles } from '../../scripts/demo/prepareViewer.mjs';
import { childMain, progress } from '../lib/child.mjs';
import { launchChromium } from '../lib/chromium.mjs';
import { repoRoot } from '../lib/paths.mjs';
import { figure, row } from '../lib/rows.mjs';
import { openCtPhantom, phantomSeries, showSlice, waitForModelReady, waitForShownSlice } from '../lib/viewerPage.mjs';

/**
 * The setups by name: MedSAM settings over the demo's (prefetch off: background embeddings of the shown
 * slice's neighbours would turn walk slices into cache hits). `expect` is checked against the loaded model.
 */
export const VIEWER3D_SETUPS = {
  browser: { label: 'encoder + decoder in the browser (WASM)', medsam: { encoderBackend: 'browser' }, expect: { encoder: 'browser', decoder: 'browser' } },
  'service-encoder': {
    label: 'encoder on the service, decoder in the browser',
    medsam: { encoderBackend: 'service', decoderBackend: 'browser', embeddingServiceUrl: '/' },
    expect: { encoder: 'service', decoder: 'browser' },
  },
  'service-both': {
    label: 'encoder + decoder on the service',
    medsam: { encoderBackend: 'service', decoderBackend: 'service', embeddingServiceUrl: '/' },
    expect: { encoder: 'service', decoder: 'service' },
  },
  // A second browser worker that only encodes (medsam.encoderWorker "on"; "auto" starts it only at >= 4 cores).
  'browser-encoder-worker': {
    label: 'encoder in a second browser worker, decoder in the first (WASM)',
    medsam: { encoderBackend: 'browser', encoderWorker: 'on' },
    expect: { encoder: 'browser', decoder: 'browser', encoderWorker: true },
  },
};

/** A setup the loaded viewer did not take (e.g. a setting this build does not know): skipped, not a failure. */
class SetupNotTaken extends Error {}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/** A uint8 .npy array (numpy's format 1.0/2.0, C order) → { shape, data }. */
function readNpyUint8(file) {
  const buf = readFileSync(file);
  const major = buf[6];
  const headerLength = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLength);
  if (!/'descr':\s*'\|u1'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new Error(`${file}: expected a C-order uint8 array`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  return { shape, data: buf.subarray(start + headerLength) };
}

/** The liver's largest slice of the phantom and its bounding box there + `margin` pixels (image pixels). */
function liverPrompt(phantomDir, margin = 3) {
  const meta = JSON.parse(readFileSync(path.join(phantomDir, 'labels.json'), 'utf8'));
  const idOf = Object.fromEntries(Object.entries(meta.labels).map(([id, name]) => [name, Number(id)]));
  const ids = new Set([idOf.liver, ...(meta.contains?.liver ?? []).map((n) => idOf[n])]);
  const { shape, data } = readNpyUint8(path.join(phantomDir, 'labels.npy'));
  const [slices, rows, columns] = shape;
  let best = { slice: -1, area: 0 };
  for (let z = 0; z < slices; z++) {
    let area = 0;
    for (let i = z * rows * columns; i < (z + 1) * rows * columns; i++) if (ids.has(data[i])) area++;
    if (area > best.area) best = { slice: z, area };
  }
  const box = { x0: columns, y0: rows, x1: -1, y1: -1 };
  const offset = best.slice * rows * columns;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      if (!ids.has(data[offset + y * columns + x])) continue;
      box.x0 = Math.min(box.x0, x);
      box.y0 = Math.min(box.y0, y);
      box.x1 = Math.max(box.x1, x);
      box.y1 = Math.max(box.y1, y);
    }
  }
  return { slice: best.slice, box: { x0: box.x0 - margin, y0: box.y0 - margin, x1: box.x1 + margin, y1: box.y1 + margin } };
}

function appConfigFor(stack, medsam) {
  const config = buildAppConfig({ ...discoverBundles(), modelManifestUrl: stack.modelManifestUrl });
  config.medsam = { ...config.medsam, backends: ['wasm'], prefetch: false, ...medsam };
  return toAppConfigJs(config);
}

/** One walk on a fresh page: open, load, 2D box on the key slice, settle, then the 3D box over `range`. */
async function oneWalk(browser, stack, setup, { keySop, prompt, slices, settleMs }) {
  const page = await browser.newPage();
  const body = appConfigFor(stack, setup.medsam);
  await page.route('**/app-config.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body }));
  const wire = { counting: false, up: 0, down: 0, requests: 0 };
  page.on('request', (r) => {
    if (!wire.counting || !new URL(r.url()).pathname.startsWith('/v2/')) return;
    wire.requests++;
    wire.up += r.postDataBuffer()?.byteLength ?? 0;
  });
  page.on('response', (r) => {
    if (!wire.counting || !new URL(r.url()).pathname.startsWith('/v2/')) return;
    void r.body().then((b) => (wire.down += b.byteLength), () => undefined);
  });
  try {
    await page.setViewportSize({ width: 1400, height: 900 });
    await openCtPhantom(page, stack);
    await waitForShownSlice(page);
    await waitForModelReady(page);
    const model = await page.evaluate(() => window.commandsManager.runCommand('medsamGetState').model.info);
    const where = { encoder: model.encoder?.active ?? 'browser', decoder: model.decoderRuns ?? 'browser', encoderWorker: Boolean(model.encoderWorker) };
    if (where.encoder !== setup.expect.encoder || where.decoder !== setup.expect.decoder || where.encoderWorker !== (setup.expect.encoderWorker ?? false)) {
      throw new SetupNotTaken(`setup "${setup.label}" did not take effect: encoder ${where.encoder}, decoder ${where.decoder}, encoder worker ${where.encoderWorker ? 'on' : 'off'} (${model.encoder?.note ?? 'no note'})`);
    }
    const target = await showSlice(page, keySop);
    await page.waitForTimeout(500);
    const first = await page.evaluate(async ({ viewportId, imageId, box }) => {
      const w = window;
      await w.commandsManager.runCommand('medsamSegmentBox', { viewportId, imageId, box });
      const s = w.commandsManager.runCommand('medsamGetState');
      if (s.error) throw new Error(`2D box failed: ${s.error.title}: ${s.error.detail}`);
      const ids = w.cornerstone.getEnabledElementByViewportId(viewportId).viewport.getImageIds();
      return { position: ids.indexOf(imageId), imageCount: ids.length };
    }, { ...target, box: prompt.box });
    // V8 keeps optimising the fresh WASM in the background for a few seconds after its first runs.
    await page.waitForTimeout(settleMs);
    // `slices` images around the key slice, inside the series.
    const from = Math.min(Math.max(0, first.position - Math.floor((slices - 1) / 2)), first.imageCount - slices);
    const range = [from, from + slices - 1];
    wire.counting = true;
    const r = await page.evaluate(async (range) => {
      const w = window;
      const t0 = performance.now();
      await w.commandsManager.runCommand('medsamSegment3d', { range });
      const waited = performance.now() - t0;
      const s = w.commandsManager.runCommand('medsamGet3dState');
      if (s.error) throw new Error(`3D run failed: ${s.error.title}: ${s.error.detail}`);
      const res = s.result;
      w.commandsManager.runCommand('medsamReject');
      return { waited, totalMs: res.totalMs, timings: res.timings, kept: res.slices.length, voxels: res.voxels, decoder: res.decoder, embeddingSource: res.embeddingSource, cancelled: res.cancelled };
    }, range);
    await page.waitForTimeout(300); // the last answers' bodies
    wire.counting = false;
    if (!r.timings) throw new Error('the 3D result has no per-slice timings (bundles built before the extension recorded them? run node scripts/build.mjs)');
    return { ...r, range, keyPosition: first.position, threads: model.threads, encoderWorkerThreads: model.encoderWorker?.threads ?? null, backend: model.backend, wire: { ...wire } };
  } finally {
    await page.close();
  }
}

/** The walk's figures: per-slice sums from the extension's record, and the ratios to the two bounds. */
function summarizeWalk(r) {
  const t = r.timings.slices;
  const enc = sum(t.map((s) => s.encoderMs ?? 0));
  const dec = sum(t.map((s) => s.decoderMs ?? 0));
  const n = t.length;
  return {
    n,
    cacheHits: t.filter((s) => s.embeddingCacheHit).length,
    encoderMs: t.filter((s) => !s.embeddingCacheHit).map((s) => s.encoderMs ?? 0),
    decoderMs: t.map((s) => s.decoderMs ?? 0),
    readMs: t.map((s) => s.readMs ?? 0),
    waitMs: t.map((s) => s.waitEmbeddingMs ?? 0),
    perSecond: (n * 1000) / r.waited,
    walkPerSecond: (n * 1000) / r.timings.walkMs,
    vsPipelined: r.timings.walkMs / Math.max(enc, dec),
    vsUnpipelined: r.timings.walkMs / (enc + dec),
    encSum: enc,
    decSum: dec,
  };
}

/**
 * `budgetMs`: no walk starts after this much time (a walk took 35–180 s at load 8–20 here), so a loaded machine
 * gives fewer walks, said in the notes, instead of a job stopped with nothing. `serviceThreads`: the embedding
 * service's threads (the demo's 1 leaves a core to the browser; 2 gives it what the browser's worker gets).
 */
export async function run({ setups = ['browser', 'service-encoder', 'service-both'], slices = 40, rounds = 2, settleMs = 3000, extraSetups = {}, budgetMs = 11 * 60_000, serviceThreads = 2 }) {
  const started = Date.now();
  const known = { ...VIEWER3D_SETUPS, ...extraSetups };
  for (const s of setups) if (!known[s]) throw new Error(`unknown setup "${s}"; known: ${Object.keys(known).join(', ')}`);
  const { startStack } = await import(path.join(repoRoot, 'scripts/demo/stack.mjs'));
  const needsService = setups.some((s) => known[s].medsam.embeddingServiceUrl);
  const served = needsService ? serviceManifestFor(localManifestPath(resolveModelManifest(), modelsDir)) : null;
  if (needsService && !served) throw new Error('the viewer loads a remote model: the embedding service has no local file to serve');
  const stack = await startStack({ embeddingService: served ? { manifests: [served], threads: serviceThreads } : false, log: () => {} });
  const browser = await launchChromium();
  const series = phantomSeries(stack);
  const prompt = liverPrompt(path.join(stack.manifest.ctPhantomDir, 'phantom'));
  const n = Math.min(slices, series.length);
  if (n < slices) progress(`the phantom has ${series.length} slices: the walk covers all ${n}`);
  const keySop = series.find((s) => s.index === prompt.slice).sopInstanceUid;
  const samples = Object.fromEntries(setups.map((s) => [s, []]));
  const loads = [os.loadavg()[0]];
  const notTaken = {};
  const notRun = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? setups : [...setups].reverse();
      for (const name of order.filter((s) => !notTaken[s])) {
        if (Date.now() - started > budgetMs) {
          notRun.push(`${name} round ${round + 1}`);
          continue;
        }
        let r;
        try {
          r = await oneWalk(browser, stack, known[name], { keySop, prompt, slices: n, settleMs });
        } catch (e) {
          if (!(e instanceof SetupNotTaken)) throw e;
          notTaken[name] = e.message;
          progress(`${name}: skipped: ${e.message}`);
          continue;
        }
        const f = summarizeWalk(r);
        samples[name].push({ ...r, ...f, load: os.loadavg()[0] });
        loads.push(os.loadavg()[0]);
        progress(
          `${name} (round ${round + 1}): ${f.n} slices in ${(r.waited / 1000).toFixed(1)} s = ${f.perSecond.toFixed(2)} slices/s (walk ${(r.timings.walkMs / 1000).toFixed(1)} s); ` +
            `encoder ${(f.encSum / Math.max(1, f.n - f.cacheHits)).toFixed(0)} ms, decoder ${(f.decSum / f.n).toFixed(0)} ms per slice (${f.cacheHits} cached); ` +
            `walk / max(Σenc, Σdec) ${f.vsPipelined.toFixed(2)}, walk / (Σenc + Σdec) ${f.vsUnpipelined.toFixed(2)}; /v2/ ${r.wire.requests} requests, ${(r.wire.up / 1e6).toFixed(2)} MB up, ${(r.wire.down / 1e6).toFixed(2)} MB down; ` +
            `${r.backend} ${r.threads} thread(s); load ${os.loadavg()[0].toFixed(1)}`,
        );
      }
    }
  } finally {
    await browser.close();
    await stack.stop();
  }
  if (notRun.length) progress(`not run (the ${Math.round(budgetMs / 60_000)}-minute budget was spent): ${notRun.join(', ')}`);
  const rows = [];
  for (const name of setups.filter((s) => samples[s].length)) {
    const list = samples[name];
    const label = `${known[name].label}${known[name].medsam.embeddingServiceUrl ? ` (service: ${serviceThreads} thread(s))` : ''}`;
    const at = (stage) => ({ suite: 'viewer3d', model: 'test-tiny', runtime: `OHIF viewer, ${label}`, size: 256, slices: n, stage });
    rows.push(
      row(at('command → 3D preview complete'), list.map((w) => w.waited)),
      row(at('slices per second (command → complete)'), list.map((w) => w.perSecond), 'slices/s'),
      row(at('walk (extension: first embedding request → last mask)'), list.map((w) => w.timings.walkMs)),
      row(at('encoder per slice (worker; cached key slice left out)'), list.flatMap((w) => w.encoderMs)),
      row(at('decoder per slice (worker)'), list.flatMap((w) => w.decoderMs)),
      row(at('slice read + normalisation per slice (main thread)'), list.flatMap((w) => w.readMs)),
      row(at('walk waiting for the embedding, per slice'), list.flatMap((w) => w.waitMs)),
      row(at('walk / N·max(encoder, decoder)'), list.map((w) => w.vsPipelined), '×'),
      row(at('walk / N·(encoder + decoder)'), list.map((w) => w.vsUnpipelined), '×'),
      row(at('bytes to /v2/ per walk'), list.map((w) => w.wire.up), 'bytes'),
      row(at('bytes from /v2/ per walk'), list.map((w) => w.wire.down), 'bytes'),
    );
  }
  rows.push(figure({ suite: 'viewer3d', model: 'test-tiny', runtime: 'machine', stage: 'load average (1 min) at start, end' }, `${loads[0].toFixed(2)} → ${loads[loads.length - 1].toFixed(2)}`, ''));
  const walks = Object.fromEntries(
    setups.map((name) => [name, samples[name].map((w) => ({ round: samples[name].indexOf(w) + 1, waitedMs: w.waited, totalMs: w.totalMs, walkMs: w.timings.walkMs, range: w.range, keyPosition: w.keyPosition, kept: w.kept, voxels: w.voxels, decoder: w.decoder, embeddingSource: w.embeddingSource, backend: w.backend, threads: w.threads, encoderWorkerThreads: w.encoderWorkerThreads, wire: w.wire, load: w.load, perSlice: w.timings.slices }))]),
  );
  return { rows, notes: { walks, notTaken, notRun, serviceThreads: served ? serviceThreads : null, loadAverages: loads, prompt, errors: browser.errors.slice(0, 20) } };
}

await childMain(import.meta.url, run);
