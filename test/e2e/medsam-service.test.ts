// MedSAM with its embedding service, in the real OHIF 3.13.2 viewer: the demo stack runs the service
// (server/dist/main.cjs, onnxruntime-node) on the test model's wrapped uint8 encoder (manifest_u8.json) and
// proxies /v2/ on the viewer's origin; the browser keeps the float manifest and runs only the decoder.
// On the CT phantom:
//  - backend "service": the model loads without the browser encoder; with the MedSAM tool active the shown
//    slice ± 2 are embedded in the background and the panel shows them ready; a liver box + Enter gives
//    EXACTLY the voxels of the same computation outside the browser (same core preparation, same service,
//    FP32, decoder on onnxruntime-web WASM with the same threads). Against the CLI (all-WASM = the browser
//    backend, and all-onnxruntime-node) a different runtime may flip threshold pixels: measured and written
//    to test-output, asserted as Dice >= 0.99 (exact on this phantom so far);
//  - the service is SIGKILLed while the box's inference request is in flight: "service" shows "The
//    embedding service stopped answering" and writes nothing; "auto" embeds the slice in the browser, says
//    so in the panel, and the accepted mask equals the CLI's WASM mask (the browser's runtime) exactly;
//  - with persistentEmbeddingCache, a reloaded viewer finds the service's embedding in IndexedDB;
//  - the same service also serves the LiteMedSAM-profile test model (models/test-tiny-256, its own model name):
//    choosing it in the panel sends its slices there, and its mask equals the same computation outside the
//    browser exactly; choosing the first model again goes back to the first service model.
// Screenshots of every step go to test-output/medsam-service/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { cliSegment } from './medsam/cli';
import { dice, differingPixels, maskArea, maskBox, readPhantomLabels, structureMask, type LabelVolume } from './medsam/groundTruth';
import { dragBox, medsamState, readLabelmap, selectBoxTool, showInstance, waitForState, type ImageBox, type MedSamStateView } from './medsam/medsamPage';
import { runServiceReference } from './medsam/referenceRunner';
import { firstViewportId, makeBoxToolPassive, runCommand, segmentBoxByCommand, within } from './medsam/serviceSteps';
import { timedStep } from './medsam/timedStep';

const MODEL_FILE = path.join(repoRoot, 'models/test-tiny/manifest.json');
const SERVICE_MANIFEST = path.join(repoRoot, 'models/test-tiny/manifest_u8.json');
// The panel's LiteMedSAM-profile test model (config/viewer/app-config.mjs DEMO_MODELS), served beside the first.
const MODEL_256_FILE = path.join(repoRoot, 'models/test-tiny-256/manifest.json');
const SERVICE_MANIFEST_256 = path.join(repoRoot, 'models/test-tiny-256/manifest_u8.json');
const MODEL_256_LABEL = 'Test model, LiteMedSAM profile (256) (test model, not LiteMedSAM)';
const MODEL_URL = '/e2e-model/manifest.json';
const THREADS = 2;
const K = 2;
const LIVER = { name: 'liver', slice: 15, margin: 3 };
// Slices for the kill tests: away from the prefetched ones, so their embeddings are not cached.
const KILL_SLICE = 30;
const ORGAN_AT_KILL = 'liver';

/** The state fields this test reads beyond medsamPage's view. */
type ServiceState = MedSamStateView & {
  encoder: null | { backend: string; active: string; note: string | null };
  prefetch: null | { total: number; current: number; ready: number[]; pending: number[]; error: string | null };
  result: (MedSamStateView['result'] & { embeddingSource?: string; embeddingCacheHit: boolean; fallback?: string }) | null;
};

jest.setTimeout(600_000);

describe('MedSAM with the embedding service (Open Inference Protocol) in the OHIF viewer', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let truth: LabelVolume;
  let slices: { index: number; sopInstanceUid: string; file: string }[];
  let viewportId: string;
  const timings: Record<string, number> = {};
  const measured: Record<string, unknown> = {};
  const art = new Artifacts('medsam-service');

  const step = timedStep(timings);
  const state = async (predicate: string, ms: number) => (await waitForState(browser.page, predicate, ms)) as ServiceState;
  const dicomOf = (slice: number) => path.join(stack.manifest.ctPhantomDir, 'dicom', slices.find((s) => s.index === slice)!.file);
  const sopOf = (slice: number) => slices.find((s) => s.index === slice)!.sopInstanceUid;
  const boxAround = (organ: string, slice: number, margin = 3): ImageBox => {
    const b = maskBox(structureMask(truth, slice, organ), truth.columns)!;
    return { x0: b.x0 - margin, y0: b.y0 - margin, x1: b.x1 + margin, y1: b.y1 + margin };
  };
  /** The voxels of the accepted segment on one image, checked against the result the panel reports. */
  async function acceptedSegment(imageId: string, result: NonNullable<ServiceState['result']>): Promise<Uint8Array> {
    const readback = await readLabelmap(browser.page, imageId);
    expect(readback.segmentations[0].segments).toContain(result.segmentIndex);
    const segment = Uint8Array.from(readback.voxels, (v) => (v === result.segmentIndex ? 1 : 0));
    expect(maskArea(segment)).toBe(result.areaPixels);
    return segment;
  }

  beforeAll(async () => {
    for (const f of [MODEL_FILE, SERVICE_MANIFEST, MODEL_256_FILE, SERVICE_MANIFEST_256]) if (!fs.existsSync(f)) throw new Error(`missing ${path.relative(repoRoot, f)} (models/export/wrap_uint8_encoder.py models/test-tiny/manifest.json)`);
    await step('build', async () => void execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, stdio: 'inherit' }));
    const appConfigJs = medsamAppConfigJs(repoRoot, {
      modelManifestUrl: MODEL_URL,
      backends: ['wasm'],
      threads: THREADS,
      encoderBackend: 'service',
      // This file is about embeddings fetched into the browser (its decoder, IndexedDB): the decoder on the
      // service (decoderBackend "auto") is covered by medsam-service-decoder.test.ts.
      decoderBackend: 'browser',
      embeddingServiceUrl: '/',
      embeddingDatatype: 'FP32',
      prefetchSlices: K,
      persistentEmbeddingCache: true,
    });
    stack = await step('stack', () =>
      startStack({
        appConfigJs,
        mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }],
        embeddingService: { manifests: [SERVICE_MANIFEST, SERVICE_MANIFEST_256] },
        logFile: art.file('stack.log'),
      }),
    );
    expect(stack.embeddingServiceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    slices = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')).slices;
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    await step('open study', async () => {
      await openStudy(browser.page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
      await waitForRenderedImage(browser.page, { timeoutMs: 90_000 });
    });
    await browser.page.waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
    viewportId = await firstViewportId(browser.page);
  });

  afterAll(async () => {
    art.writeText('timings.json', JSON.stringify(timings, null, 2));
    art.writeText('measured.json', JSON.stringify(measured, null, 2));
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('backend "service": the model loads without the browser encoder; embeddings come from the service', async () => {
    const loaded = await step('model load (decoder only)', () => state("s.model.status === 'ready' || s.model.status === 'error'", 180_000));
    if (loaded.model.status !== 'ready') throw new Error(`model did not load: ${JSON.stringify(loaded.model)}`);
    expect(loaded.encoder).toMatchObject({ backend: 'service', active: 'service', note: null });
    expect(await browser.page.textContent('[data-cy="medsam-encoder"]')).toMatch(/computed in the embedding service/);
    await art.screenshot(browser.page, 'service backend ready');
  });

  it('with the MedSAM tool active, the shown slice and 2 on each side are embedded in the background and shown ready', async () => {
    const { page } = browser;
    await showInstance(page, sopOf(LIVER.slice));
    await selectBoxTool(page);
    const ready = (s: ServiceState) => s.prefetch!.ready;
    const done = await step('prefetch 5 slices (service)', () => state(`s.prefetch && s.prefetch.pending.length === 0 && s.prefetch.ready.length >= ${2 * K + 1}`, 120_000));
    const c = done.prefetch!.current;
    expect(ready(done)).toEqual([c - 2, c - 1, c, c + 1, c + 2]);
    expect(done.prefetch!.error).toBeNull();
    expect(await page.textContent('[data-cy="medsam-prefetch-text"]')).toContain(`ready: ${c - 1}–${c + 3} of ${done.prefetch!.total}`);
    await art.screenshot(page, 'prefetch: slice and neighbours ready');

    // Moving on replans around the new slice; what was embedded before stays ready (the cache).
    await showInstance(page, sopOf(LIVER.slice + 10));
    const moved = await step('prefetch after moving 10 slices', () => state(`s.prefetch && s.prefetch.current !== ${c} && s.prefetch.pending.length === 0 && s.prefetch.ready.length >= ${4 * K + 2}`, 120_000));
    const m = moved.prefetch!.current;
    expect(ready(moved)).toEqual([c - 2, c - 1, c, c + 1, c + 2, m - 2, m - 1, m, m + 1, m + 2]);
    await art.screenshot(page, 'prefetch after moving on');
    measured.prefetch = { firstCurrent: c, movedTo: m, ready: ready(moved), total: moved.prefetch!.total };
  });

  it('a box around the liver, Enter: exactly the voxels of the same computation outside the browser', async () => {
    const { page } = browser;
    const imageId = await showInstance(page, sopOf(LIVER.slice));
    const box = boxAround(LIVER.name, LIVER.slice, LIVER.margin);
    await step('liver box (prefetched embedding + decoder)', async () => {
      await dragBox(page, imageId, box);
      await state("s.result?.phase === 'preview' || !!s.error", 120_000);
    });
    const preview = (await medsamState(page)) as ServiceState;
    expect(preview.error).toBeNull();
    expect(preview.result).toMatchObject({ embeddingSource: 'service', embeddingCacheHit: true });
    await art.screenshot(page, 'liver preview (service embedding)');
    await page.keyboard.press('Enter');
    const accepted = await state("s.result?.phase === 'accepted'", 10_000);
    await art.screenshot(page, 'liver accepted');
    const result = accepted.result!;
    const segment = await acceptedSegment(imageId, result);

    const image = dicomOf(LIVER.slice);
    const reference = await step('reference (service FP32 + WASM decoder, node)', () =>
      runServiceReference(repoRoot, { serviceUrl: stack.embeddingServiceUrl!, model: MODEL_FILE, image, box: result.box, threads: THREADS, datatype: 'FP32' }),
    );
    const fp16 = await runServiceReference(repoRoot, { serviceUrl: stack.embeddingServiceUrl!, model: MODEL_FILE, image, box: result.box, threads: THREADS, datatype: 'FP16' });
    const cliWasm = await step('cli --backend wasm', () => cliSegment(repoRoot, { model: MODEL_FILE, image, box: result.box, threads: THREADS, outDir: art.dir }));
    const cliNode = await step('cli --backend node (u8 manifest)', () =>
      cliSegment(repoRoot, { model: SERVICE_MANIFEST, image, box: result.box, threads: THREADS, outDir: art.dir, backend: 'node' }),
    );
    const gt = structureMask(truth, LIVER.slice, LIVER.name);
    measured.liver = {
      box: result.box,
      areaPixels: result.areaPixels,
      diceVsGroundTruth: dice(segment, gt),
      differingPixels: {
        vsReferenceFp32: differingPixels(segment, reference.mask).length,
        vsReferenceFp16: differingPixels(segment, fp16.mask).length,
        vsCliWasm: differingPixels(segment, cliWasm.mask).length,
        vsCliNode: differingPixels(segment, cliNode.mask).length,
      },
      dice: { vsReferenceFp16: dice(segment, fp16.mask), vsCliWasm: dice(segment, cliWasm.mask), vsCliNode: dice(segment, cliNode.mask) },
      viewerTimings: result.timings,
    };
    expect(reference.rows * reference.columns).toBe(segment.length);
    expect(differingPixels(segment, reference.mask)).toEqual([]);
    expect(dice(segment, gt)).toBeGreaterThanOrEqual(0.9);
    expect(dice(segment, cliWasm.mask)).toBeGreaterThanOrEqual(0.99);
    expect(dice(segment, cliNode.mask)).toBeGreaterThanOrEqual(0.99);
  });

  it('one service, two models: the LiteMedSAM-profile test model chosen in the panel embeds on the service under its own name, exactly as outside the browser', async () => {
    const { page } = browser;
    const select = '[data-cy="medsam-model-choice"]';
    const labels = await page.$$eval(`${select} option`, (options) => options.map((o) => o.textContent ?? ''));
    expect(labels).toContain(MODEL_256_LABEL);
    await page.selectOption(select, { label: MODEL_256_LABEL });
    const loaded = await step('256 model load (decoder only)', () => state("(s.model.status === 'ready' && s.model.info.name === 'medsam-ohif-test-tiny-256') || s.model.status === 'error'", 180_000));
    if (loaded.model.status !== 'ready') throw new Error(`the 256 model did not load: ${JSON.stringify(loaded.model)}`);
    // Backend "service" has no browser encoder to fall back on: a service without this model fails here.
    expect(loaded.encoder).toMatchObject({ backend: 'service', active: 'service', note: null });
    const slice = LIVER.slice + 5; // no accepted segment there yet
    const imageId = await showInstance(page, sopOf(slice));
    const box = boxAround(LIVER.name, slice, LIVER.margin);
    await step('liver box, 256 model (service embedding + decoder)', async () => {
      await dragBox(page, imageId, box);
      await state("s.result?.phase === 'preview' || !!s.error", 120_000);
    });
    const preview = (await medsamState(page)) as ServiceState;
    expect(preview.error).toBeNull();
    expect(preview.result).toMatchObject({ embeddingSource: 'service' });
    await art.screenshot(page, '256 model: liver preview (service embedding)');
    await page.keyboard.press('Enter');
    const accepted = await state("s.result?.phase === 'accepted'", 10_000);
    const segment = await acceptedSegment(imageId, accepted.result!);
    const reference = await step('reference, 256 model (service FP32 + WASM decoder, node)', () =>
      runServiceReference(repoRoot, { serviceUrl: stack.embeddingServiceUrl!, model: MODEL_256_FILE, image: dicomOf(slice), box: accepted.result!.box, threads: THREADS, datatype: 'FP32' }),
    );
    const gt = structureMask(truth, slice, LIVER.name);
    measured.liver256 = { slice, box: accepted.result!.box, areaPixels: accepted.result!.areaPixels, diceVsGroundTruth: dice(segment, gt), differingPixelsVsReference: differingPixels(segment, reference.mask).length };
    expect(differingPixels(segment, reference.mask)).toEqual([]);
    expect(dice(segment, gt)).toBeGreaterThanOrEqual(0.9);
    // Back to the first model for the tests after this one: its service model again.
    await page.selectOption(select, { label: labels[0] });
    const back = await step('first model again', () => state("(s.model.status === 'ready' && s.model.info.name === 'medsam-ohif-test-tiny') || s.model.status === 'error'", 180_000));
    expect(back.model.status).toBe('ready');
    expect(back.encoder).toMatchObject({ backend: 'service', active: 'service', note: null });
  });

  it('backend "service": the service killed mid-request gives a clear error and writes nothing', async () => {
    const { page } = browser;
    await makeBoxToolPassive(page); // no background embeddings: the next inference request is the box's
    const imageId = await showInstance(page, sopOf(KILL_SLICE));
    const before = await readLabelmap(page, imageId);
    const killed = stack.killEmbeddingsOnNextInfer();
    await step('box while the service dies (service)', async () => {
      await segmentBoxByCommand(page, viewportId, imageId, boxAround(ORGAN_AT_KILL, KILL_SLICE));
      await within(killed, 30_000, 'the service kill');
    });
    const failed = await state('!!s.error', 30_000);
    expect(failed.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', title: 'The embedding service stopped answering' });
    expect(failed.error!.detail).toMatch(/^the embedding service stopped answering \(/);
    expect(failed.result?.phase).not.toBe('preview');
    const shown = await page.textContent('[data-cy="medsam-error"]');
    expect(shown).toMatch(/The embedding service stopped answering/);
    await art.screenshot(page, 'service killed mid-request: error');
    expect(await readLabelmap(page, imageId)).toEqual(before);
    measured.serviceKill = { error: failed.error };
  });

  it('backend "auto": the service killed mid-request, the browser embeds the slice, the panel says so, the mask is the browser runtime\'s exactly', async () => {
    const { page } = browser;
    await step('restart the service', () => stack.restartEmbeddings());
    await runCommand(page, 'medsamSetBackends', { encoderBackend: 'auto' });
    const loaded = await step('model reload (auto)', () => state("s.model.status === 'ready' && s.encoder?.active === 'service'", 120_000));
    expect(loaded.encoder).toMatchObject({ backend: 'auto', active: 'service' });
    await runCommand(page, 'medsamClear');
    const imageId = await showInstance(page, sopOf(KILL_SLICE));
    const box = boxAround(ORGAN_AT_KILL, KILL_SLICE);
    const killed = stack.killEmbeddingsOnNextInfer();
    await step('box while the service dies (auto → browser)', async () => {
      await segmentBoxByCommand(page, viewportId, imageId, box);
      await within(killed, 30_000, 'the service kill');
    });
    const preview = await state("s.result?.phase === 'preview' || !!s.error", 120_000);
    expect(preview.error).toBeNull();
    expect(preview.result).toMatchObject({ embeddingSource: 'browser', embeddingCacheHit: false, fallback: expect.stringMatching(/stopped answering.*embedded in the browser instead/) });
    expect(preview.encoder).toMatchObject({ backend: 'auto', active: 'browser', note: expect.stringMatching(/stopped answering/) });
    expect(await page.textContent('[data-cy="medsam-fallback"]')).toMatch(/Computed in this browser instead/);
    await art.screenshot(page, 'auto: browser fallback noted in the panel');
    await runCommand(page, 'medsamAccept');
    const accepted = await state("s.result?.phase === 'accepted'", 10_000);
    await art.screenshot(page, 'auto: fallback result accepted');
    const segment = await acceptedSegment(imageId, accepted.result!);
    const cli = await cliSegment(repoRoot, { model: MODEL_FILE, image: dicomOf(KILL_SLICE), box: accepted.result!.box, threads: THREADS, outDir: art.dir });
    const gt = structureMask(truth, KILL_SLICE, ORGAN_AT_KILL);
    measured.autoFallback = { box: accepted.result!.box, areaPixels: accepted.result!.areaPixels, diceVsGroundTruth: dice(segment, gt), differingVsCliWasm: differingPixels(segment, cli.mask).length, fallback: accepted.result!.fallback };
    expect(differingPixels(segment, cli.mask)).toEqual([]);
    expect(dice(segment, gt)).toBeGreaterThanOrEqual(0.85);
  });

  it('persistent cache: after a reload, with the service gone, a slice the service embedded earlier segments from browser storage', async () => {
    const { page } = browser;
    await step('reload the viewer', async () => {
      await openStudy(page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
      await waitForRenderedImage(page, { timeoutMs: 90_000 });
      await page.waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
    });
    // The service died in the last test: backend "service" says so at load, in the same words.
    const down = await state("s.model.status === 'error'", 60_000);
    expect(down.model.error).toMatchObject({ title: 'The embedding service stopped answering' });
    await art.screenshot(page, 'reload with the service gone: load error');
    await runCommand(page, 'medsamSetBackends', { encoderBackend: 'browser' });
    await state("s.model.status === 'ready'", 120_000);
    const imageId = await showInstance(page, sopOf(LIVER.slice));
    await segmentBoxByCommand(page, await firstViewportId(page), imageId, boxAround(LIVER.name, LIVER.slice, LIVER.margin));
    const preview = await state("s.result?.phase === 'preview' || !!s.error", 60_000);
    expect(preview.error).toBeNull();
    expect(preview.result).toMatchObject({ embeddingCacheHit: true, embeddingSource: 'service' });
    await art.screenshot(page, 'after reload: embedding from browser storage');
  });
});
