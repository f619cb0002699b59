// The decoder on the embedding service in the real viewer (issue 10): with the service as the encoder and
// medsam.decoderBackend left at "auto", the worker keeps each slice's embedding on the service (only its id
// comes back), the box goes up as a prompt and the low-res logits come back; the panel says "Decoder:
// service", no answer from /v2/ carries an embedding, and the accepted liver equals the same computation
// outside the browser (CLI, native runtime, uint8 manifest: the service's runtime and files). Test model, not
// MedSAM. Screenshots go to test-output/medsam-service-decoder/.
import fs from 'node:fs';
import path from 'node:path';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { cliSegment } from './medsam/cli';
import { dice, differingPixels, maskArea, maskBox, readPhantomLabels, structureMask, type LabelVolume } from './medsam/groundTruth';
import { dragBox, medsamState, readLabelmap, selectBoxTool, showInstance, waitForState, type MedSamStateView } from './medsam/medsamPage';

const MODEL_FILE = path.join(repoRoot, 'models/test-tiny/manifest.json');
const SERVICE_MANIFEST = path.join(repoRoot, 'models/test-tiny/manifest_u8.json');
const LIVER = { name: 'liver', slice: 15, margin: 3 };

type DecoderState = MedSamStateView & {
  model: MedSamStateView['model'] & { info?: { decoderRuns?: string } };
  result: (MedSamStateView['result'] & { embeddingSource?: string; decoder?: string }) | null;
};

jest.setTimeout(600_000);

describe('MedSAM with the decoder on the embedding service', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let truth: LabelVolume;
  let slices: { index: number; sopInstanceUid: string; file: string }[];
  const art = new Artifacts('medsam-service-decoder');
  const v2Answers: { url: string; bytes: number }[] = [];
  const state = async (predicate: string, ms: number) => (await waitForState(browser.page, predicate, ms)) as DecoderState;

  beforeAll(async () => {
    const appConfigJs = medsamAppConfigJs(repoRoot, {
      modelManifestUrl: '/e2e-model/manifest.json',
      backends: ['wasm'],
      threads: 2,
      encoderBackend: 'service',
      embeddingServiceUrl: '/',
      prefetch: false,
    });
    stack = await startStack({ appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], embeddingService: { manifests: [SERVICE_MANIFEST] }, logFile: art.file('stack.log') });
    truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    slices = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')).slices;
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    browser.page.on('response', (r) => {
      if (!new URL(r.url()).pathname.startsWith('/v2/')) return;
      void r.body().then((b) => v2Answers.push({ url: r.url(), bytes: b.byteLength }), () => undefined);
    });
    await openStudy(browser.page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await waitForRenderedImage(browser.page, { timeoutMs: 90_000 });
    await browser.page.waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
  });

  afterAll(async () => {
    art.writeText('v2-answers.json', JSON.stringify(v2Answers, null, 2));
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('a liver box is decoded on the service: the panel says so, no embedding comes down, the voxels are the native computation', async () => {
    const { page } = browser;
    const loaded = await state("s.model.status === 'ready' || s.model.status === 'error'", 180_000);
    if (loaded.model.status !== 'ready') throw new Error(`model did not load: ${JSON.stringify(loaded.model)}`);
    expect(loaded.model.info?.decoderRuns).toBe('service');
    expect(await page.textContent('[data-cy="medsam-decoder"]')).toMatch(/Decoder: service/);

    const slice = slices.find((s) => s.index === LIVER.slice)!;
    const imageId = await showInstance(page, slice.sopInstanceUid);
    await selectBoxTool(page);
    const b = maskBox(structureMask(truth, LIVER.slice, LIVER.name), truth.columns)!;
    await dragBox(page, imageId, { x0: b.x0 - LIVER.margin, y0: b.y0 - LIVER.margin, x1: b.x1 + LIVER.margin, y1: b.y1 + LIVER.margin });
    const preview = await state("s.result?.phase === 'preview' || !!s.error", 120_000);
    expect(preview.error).toBeNull();
    expect(preview.result).toMatchObject({ embeddingSource: 'service', decoder: 'service' });
    expect(await page.textContent('[data-cy="medsam-decoder"]')).toBe('Decoder: service');
    await art.screenshot(page, 'liver preview, decoder on the service');
    await page.keyboard.press('Enter');
    const result = (await state("s.result?.phase === 'accepted'", 10_000)).result!;
    const readback = await readLabelmap(page, imageId);
    const segment = Uint8Array.from(readback.voxels, (v) => (v === result.segmentIndex ? 1 : 0));
    expect(maskArea(segment)).toBe(result.areaPixels);

    // Answers from /v2/: metadata, the kept-embedding ids and the logits (256 KiB), never a 4 MiB embedding.
    expect(v2Answers.length).toBeGreaterThan(2);
    expect(Math.max(...v2Answers.map((a) => a.bytes))).toBeLessThan(300_000);
    expect(v2Answers.some((a) => /-decoder\/infer$/.test(a.url) && a.bytes > 256 * 256 * 4)).toBe(true);

    const image = path.join(stack.manifest.ctPhantomDir, 'dicom', slice.file);
    const cliNode = await cliSegment(repoRoot, { model: SERVICE_MANIFEST, image, box: result.box, threads: 2, outDir: art.dir, backend: 'node' });
    const gt = structureMask(truth, LIVER.slice, LIVER.name);
    const differing = differingPixels(segment, cliNode.mask).length;
    art.writeText('measured.json', JSON.stringify({ areaPixels: result.areaPixels, diceVsGroundTruth: dice(segment, gt), differingVsCliNode: differing, timings: result.timings }, null, 2));
    expect(dice(segment, gt)).toBeGreaterThanOrEqual(0.9);
    // The service runs the split decoder (as the browser does), the CLI the unsplit one: logits within 1e-5.
    expect(dice(segment, cliNode.mask)).toBeGreaterThanOrEqual(0.999);
  });
});
