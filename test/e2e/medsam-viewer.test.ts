// MedSAM live in the real OHIF 3.13.2 viewer, loaded at RUN TIME: the unmodified prebuilt viewer imports our
// extension and mode bundles from app-config URLs. On the CT phantom: Esc discards a preview and leaves no
// segment; a box wholly outside the image shows the core's BAD_BOX error and changes nothing; a box around the
// liver + Enter writes a segment whose voxels have Dice >= 0.9 against the phantom's ground truth and equal,
// bit for bit, the medsam CLI's mask for the same box on the same runtime (onnxruntime-web WASM, same threads);
// Ctrl+Z undoes the accept. Screenshots of every step go to test-output/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { cliSegment } from './medsam/cli';
import { dice, differingPixels, maskArea, maskBox, readPhantomLabels, structureMask, type LabelVolume } from './medsam/groundTruth';
import { dragBox, dragInViewport, leftMarginColumn, medsamState, readLabelmap, selectBoxTool, showInMpr, showInstance, waitForState, zoomOut, type ImageBox, type LabelmapReadback } from './medsam/medsamPage';
import { timedStep } from './medsam/timedStep';

// The test model (models/test-tiny, SAM decoder contract). MEDSAM_E2E_MODEL=<manifest.json> tries another.
const MODEL_FILE = path.resolve(repoRoot, process.env.MEDSAM_E2E_MODEL ?? 'models/test-tiny/manifest.json');
const MODEL_URL = `/e2e-model/${path.basename(MODEL_FILE)}`;
const THREADS = 2;
const ORGAN = { name: 'liver', slice: 15, margin: 3 };
/** A preview's voxel value (extensions/medsam/src/segmentation/previewColour.ts). */
const PREVIEW = 255;

jest.setTimeout(600_000);

describe('MedSAM in the OHIF viewer (run-time bundles)', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let truth: LabelVolume;
  let imageId: string;
  let organBox: ImageBox;
  let slicePath: string;
  const timings: Record<string, number> = {};
  const art = new Artifacts('medsam-viewer');

  const step = timedStep(timings);

  beforeAll(async () => {
    if (!fs.existsSync(MODEL_FILE)) throw new Error(`the e2e test needs the test model ${path.relative(repoRoot, MODEL_FILE)} (models/testing/train_test_model.py)`);
    await step('build', async () => void execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, stdio: 'inherit' }));
    const appConfigJs = medsamAppConfigJs(repoRoot, { modelManifestUrl: MODEL_URL, backends: ['wasm'], threads: THREADS });
    stack = await step('stack', () =>
      startStack({ appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], logFile: art.file('stack.log') }),
    );
    const study = findStudy(stack.manifest, CT_PHANTOM);
    truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    const series = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')) as { slices: { index: number; sopInstanceUid: string; file: string }[] };
    const slice = series.slices.find((s) => s.index === ORGAN.slice)!;
    slicePath = path.join(stack.manifest.ctPhantomDir, 'dicom', slice.file);
    const gtBox = maskBox(structureMask(truth, ORGAN.slice, ORGAN.name), truth.columns)!;
    organBox = { x0: gtBox.x0 - ORGAN.margin, y0: gtBox.y0 - ORGAN.margin, x1: gtBox.x1 + ORGAN.margin, y1: gtBox.y1 + ORGAN.margin };

    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    const { page } = browser;
    await step('open study', async () => {
      await openStudy(page, stack.url, 'medsam', study.studyUid);
      await waitForRenderedImage(page, { timeoutMs: 90_000 });
    });
    await page.waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
    await art.screenshot(page, 'medsam mode opened');
    const loaded = await step('model load', () => waitForState(page, "s.model.status === 'ready' || s.model.status === 'error'", 180_000));
    if (loaded.model.status !== 'ready') throw new Error(`model did not load: ${JSON.stringify(loaded.model)}`);
    expect(loaded.model.info).toMatchObject({ backend: 'onnxruntime-web/wasm', threads: THREADS, crossOriginIsolated: true });
    imageId = await showInstance(page, slice.sopInstanceUid);
    await selectBoxTool(page);
    await art.screenshot(page, 'liver slice, MedSAM tool selected');
  });

  afterAll(async () => {
    art.writeText('timings.json', JSON.stringify(timings, null, 2));
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('Esc discards the preview and leaves no segment', async () => {
    const { page } = browser;
    const before = await readLabelmap(page, imageId);
    expect(before.segmentations).toEqual([]);
    await step('first box (embedding + decoder)', async () => {
      await dragBox(page, imageId, organBox);
      await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    });
    const preview = await medsamState(page);
    expect(preview.error).toBeNull();
    expect(preview.result!.areaPixels).toBeGreaterThan(0);
    await page.waitForSelector('[data-cy="medsam-accept"]');
    await art.screenshot(page, 'preview of the liver');
    await page.keyboard.press('Escape');
    await waitForState(page, "s.result?.phase === 'discarded'", 10_000);
    await art.screenshot(page, 'after Esc');
    const after = await readLabelmap(page, imageId);
    expect(after.segmentations).toEqual([]);
  });

  it('a box wholly outside the image shows an error and changes nothing', async () => {
    const { page } = browser;
    const before = await readLabelmap(page, imageId);
    await zoomOut(page, 2); // the image fills the viewport's width: make a margin to draw in
    const left = await leftMarginColumn(page, imageId);
    expect(left).toBeLessThan(-20);
    await dragBox(page, imageId, { x0: left, y0: 100, x1: -5, y1: 140 });
    const state = await waitForState(page, '!!s.error', 30_000);
    expect(state.error!.code).toBe('BAD_BOX');
    const shown = await page.textContent('[data-cy="medsam-error"]');
    expect(shown).toMatch(/The box cannot be segmented/);
    expect(shown).toMatch(/wholly outside/);
    await art.screenshot(page, 'box outside the image: error');
    expect(await readLabelmap(page, imageId)).toEqual(before);
    await zoomOut(page, 0);
  });

  it('a 2×2 pixel box says it is too small and changes nothing', async () => {
    const { page } = browser;
    await page.evaluate(() => (window as unknown as { commandsManager: { runCommand(n: string): unknown } }).commandsManager.runCommand('medsamClear'));
    const before = await readLabelmap(page, imageId);
    await dragBox(page, imageId, { x0: 60, y0: 60, x1: 62, y1: 62 });
    const state = await waitForState(page, '!!s.error', 30_000);
    expect(state.error!.code).toBe('BAD_BOX');
    expect(state.result).toBeNull();
    const shown = await page.textContent('[data-cy="medsam-error"]');
    expect(shown).toMatch(/too small for MedSAM, which needs at least 4 pixels on each side/);
    await art.screenshot(page, '2x2 box: too small');
    expect(await readLabelmap(page, imageId)).toEqual(before);
  });

  /** Draws the liver box in a viewport, presses Enter, checks the segment against ground truth and the CLI. */
  async function segmentLiverAndCompare(label: string, viewportId?: string): Promise<void> {
    const { page } = browser;
    await step(`${label}: box (embedding cached)`, async () => {
      await dragBox(page, imageId, organBox, viewportId);
      await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    });
    const preview = await medsamState(page);
    expect(preview.error).toBeNull();
    await page.keyboard.press('Enter');
    await waitForState(page, "s.result?.phase === 'accepted'", 10_000);
    // "Time" is mouse-up → painted preview; its parts add up to it
    const accepted = await waitForState(page, '!!s.result?.wait', 10_000);
    await art.screenshot(page, `${label}: accepted into a segment`);
    const result = accepted.result!;
    const wait = (result as unknown as { wait: Record<string, number> }).wait;
    const parts = Object.values(wait).reduce((a, b) => a + b, 0);
    expect(Math.abs(result.totalMs - parts)).toBeLessThanOrEqual(2);
    // With the live mask the decode of the final box is often done during the drag: then nothing is left to wait for.
    expect(wait.inference).toBeGreaterThanOrEqual(0);
    // The panel lists the parts that took time: the decode only when the reader waited for it after mouse-up.
    const stages = await page.textContent('[data-cy="medsam-result-stages"]');
    expect(stages).toMatch(/drawing [\d.]+ m?s/);
    if (wait.inference > 0) expect(stages).toMatch(/embedding \+ decoder/);
    const readback = await readLabelmap(page, imageId);
    expect(readback.segmentations).toHaveLength(1);
    expect(readback.segmentations[0].segmentationId).toBe(result.segmentationId);
    expect(readback.segmentations[0].segments).toContain(result.segmentIndex);
    const segment = Uint8Array.from(readback.voxels, (v) => (v === result.segmentIndex ? 1 : 0));
    expect(readback.voxels.filter((v) => v !== 0 && v !== result.segmentIndex)).toEqual([]);
    expect(maskArea(segment)).toBe(result.areaPixels);

    const gt = structureMask(truth, ORGAN.slice, ORGAN.name);
    const score = dice(segment, gt);
    const cli = await step(`${label}: cli`, () => cliSegment(repoRoot, { model: MODEL_FILE, image: slicePath, box: result.box, threads: THREADS, outDir: art.dir }));
    const differ = differingPixels(segment, cli.mask);
    const report = { box: result.box, areaPixels: result.areaPixels, areaMm2: result.areaMm2, dice: score, cliDiffers: differ.length, viewerTotalMs: result.totalMs, viewerTimings: result.timings, cliMs: cli.ms };
    art.writeText(`${label.replace(/\W+/g, '-')}.json`, JSON.stringify(report, null, 2));
    expect(score).toBeGreaterThanOrEqual(0.9);
    expect(cli.rows * cli.columns).toBe(segment.length);
    expect(differ).toEqual([]);
  }

  it('a box around the liver, Enter: Dice >= 0.9 vs ground truth and exactly the CLI mask', async () => {
    await segmentLiverAndCompare('stack');
  });

  it('Ctrl+Z undoes the accept', async () => {
    const { page } = browser;
    await page.keyboard.press('Control+z');
    await waitForState(page, "s.result?.phase === 'undone'", 10_000);
    const readback = await readLabelmap(page, imageId);
    expect(readback.voxels.every((v) => v === 0)).toBe(true);
    await art.screenshot(page, 'after Ctrl+Z');
  });

  it('Shift+Enter accepts the preview as a new, registered segment (the button names the key)', async () => {
    const { page } = browser;
    const before = await readLabelmap(page, imageId);
    const existing = before.segmentations[0]?.segments ?? [];
    await dragBox(page, imageId, organBox);
    await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(await page.textContent('[data-cy="medsam-accept-new"]')).toContain('Shift+Enter');
    await page.keyboard.press('Shift+Enter');
    const accepted = await waitForState(page, "s.result?.phase === 'accepted'", 10_000);
    const index = accepted.result!.segmentIndex!;
    expect(existing).not.toContain(index);
    const after = await readLabelmap(page, imageId);
    expect(after.segmentations[0].segments).toContain(index);
    expect(after.voxels.filter((v) => v === index)).toHaveLength(accepted.result!.areaPixels);
    await art.screenshot(page, 'Shift+Enter: a new segment');

    // A second box over that segment: the preview says which segment it covers and by how much; Esc restores it.
    const withSegment = await readLabelmap(page, imageId);
    await dragBox(page, imageId, { x0: organBox.x0 + 10, y0: organBox.y0 + 10, x1: organBox.x1 - 10, y1: organBox.y1 - 10 });
    const preview = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    const underPreview = await readLabelmap(page, imageId);
    const covered = withSegment.voxels.filter((v, i) => v === index && underPreview.voxels[i] === 255).length;
    expect(covered).toBeGreaterThan(0);
    expect((preview.result as unknown as { overlaps: unknown[] }).overlaps).toEqual([{ segmentIndex: index, label: `MedSAM ${index}`, pixels: covered }]);
    expect(await page.textContent('[data-cy="medsam-result-overlap"]')).toContain(`segment ${index}) by ${covered} pixels`);
    await art.screenshot(page, 'preview over a segment: overlap shown');
    await page.keyboard.press('Escape');
    await waitForState(page, "s.result?.phase === 'discarded'", 10_000);
    expect(await readLabelmap(page, imageId)).toEqual(withSegment);
    await page.keyboard.press('Control+z');
    await waitForState(page, "s.result?.phase === 'undone'", 10_000);
  });

  it('a drag held still until its live mask shows: that mask becomes the preview as drawn, the undecided one goes, Esc restores', async () => {
    const { page } = browser;
    const before = await readLabelmap(page, imageId); // a segmentation exists: the live mask draws into it
    expect(before.segmentations).toHaveLength(1);
    const previewVoxels = (r: LabelmapReadback) => r.voxels.flatMap((v, i) => (v === PREVIEW ? [i] : []));
    // From mouse-up on: cornerstone's labelmap-change notifications (each re-renders the viewport).
    const countLabelmapChanges = () =>
      page.evaluate(() => {
        const w = window as unknown as { cornerstone: any; cornerstoneTools: any; __medsamDataEvents: number };
        w.__medsamDataEvents = 0;
        w.cornerstone.eventTarget.addEventListener(w.cornerstoneTools.Enums.Events.SEGMENTATION_DATA_MODIFIED, () => w.__medsamDataEvents++);
      });
    // An undecided preview of the liver's upper half, left on screen.
    const upper = { ...organBox, y1: Math.round((organBox.y0 + organBox.y1) / 2) };
    await dragBox(page, imageId, upper);
    await waitForState(page, "s.result?.phase === 'preview'", 180_000);
    const firstPreview = previewVoxels(await readLabelmap(page, imageId));
    expect(firstPreview.length).toBeGreaterThan(0);
    // The whole liver, held still until the live mask of the final box is on screen (its voxels stop changing).
    await dragBox(page, imageId, organBox, undefined, {
      beforeRelease: async () => {
        let last = '';
        let stableSince = Date.now();
        for (const deadline = Date.now() + 60_000; Date.now() < deadline; await page.waitForTimeout(250)) {
          const now = previewVoxels(await readLabelmap(page, imageId)).join(',');
          if (now !== last) [last, stableSince] = [now, Date.now()];
          else if (now !== firstPreview.join(',') && Date.now() - stableSince > 1500) return countLabelmapChanges();
        }
        throw new Error('the live mask of the final box never showed');
      },
    });
    const state = await waitForState(page, "s.result?.phase === 'preview' && !!s.result?.wait", 60_000);
    const wait = (state.result as unknown as { wait: Record<string, number> }).wait;
    expect(wait.inference).toBe(0); // the final box was decoded during the drag
    const shown = await readLabelmap(page, imageId);
    const cli = await cliSegment(repoRoot, { model: MODEL_FILE, image: slicePath, box: state.result!.box, threads: THREADS, outDir: art.dir });
    // The preview is exactly the final box's mask; nothing of the first preview is left; every other voxel as before.
    expect(previewVoxels(shown)).toEqual(Array.from(cli.mask).flatMap((v, i) => (v ? [i] : [])));
    expect(shown.voxels.flatMap((v, i) => (v !== PREVIEW && v !== before.voxels[i] ? [i] : []))).toEqual([]);
    // One notification (the first preview's removal under the kept mask), not an erase, a removal and a redraw.
    expect(await page.evaluate(() => (window as unknown as { __medsamDataEvents: number }).__medsamDataEvents)).toBe(1);
    await art.screenshot(page, 'drag held still: the live mask kept as the preview');
    await page.keyboard.press('Escape');
    await waitForState(page, "s.result?.phase === 'discarded'", 10_000);
    expect(await readLabelmap(page, imageId)).toEqual(before);
  });

  it('the panel offers the listed models by name; the LiteMedSAM-profile test model loads, segments the liver and is remembered', async () => {
    const { page } = browser;
    const select = '[data-cy="medsam-model-choice"]';
    const labels = await page.$$eval(`${select} option`, (options) => options.map((o) => o.textContent ?? ''));
    const lite = 'Test model, LiteMedSAM profile (256) (test model, not LiteMedSAM)';
    expect(labels).toEqual(['Your model (MEDSAM_MODEL_MANIFEST)', 'Test model, MedSAM profile (1024) (test model, not MedSAM)', lite, 'Other: manifest URL…']);
    await page.selectOption(select, { label: lite });
    const loaded = await step('256 test model load', () => waitForState(page, "(s.model.status === 'ready' && s.model.info.name === 'medsam-ohif-test-tiny-256') || s.model.status === 'error'", 180_000));
    expect(loaded.model.status).toBe('ready');
    expect(await page.evaluate(() => localStorage.getItem('medsam.modelManifestUrl'))).toBe('/models/test-tiny-256/manifest.json');
    await dragBox(page, imageId, organBox);
    const preview = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000).catch(async (e: unknown) => {
      throw new Error(`no preview from the 256 test model: ${String(e)}; state ${JSON.stringify(await medsamState(page))}`);
    });
    expect(preview.error).toBeNull();
    const shown = (await readLabelmap(page, imageId)).voxels.map((v) => (v === 255 ? 1 : 0));
    const score = dice(Uint8Array.from(shown), structureMask(truth, ORGAN.slice, ORGAN.name));
    art.writeText('test-tiny-256.json', JSON.stringify({ box: preview.result!.box, dice: score }, null, 2));
    await art.screenshot(page, 'LiteMedSAM-profile test model: liver preview');
    expect(score).toBeGreaterThanOrEqual(0.9);
    await page.keyboard.press('Escape');
    await waitForState(page, "s.result?.phase === 'discarded'", 10_000);
    // Back to the first model for the tests after this one (they compare with the CLI on it).
    await page.selectOption(select, { label: labels[0] });
    const back = await waitForState(page, "(s.model.status === 'ready' && s.model.info.name !== 'medsam-ohif-test-tiny-256') || s.model.status === 'error'", 180_000);
    expect(back.model.status).toBe('ready');
  });

  it('MPR: the axial volume viewport segments the same slice; a sagittal (reformatted) one explains why not', async () => {
    const { page } = browser;
    const ids = await showInMpr(page, imageId);
    expect(ids).toEqual(['mpr-axial', 'mpr-sagittal', 'mpr-coronal']);
    await selectBoxTool(page);
    await segmentLiverAndCompare('mpr axial', 'mpr-axial');
    const before = await readLabelmap(page, imageId);
    await dragInViewport(page, 'mpr-sagittal', [0.35, 0.4], [0.6, 0.6]);
    const state = await waitForState(page, "s.error?.code === 'NOT_ACQUISITION_PLANE'", 30_000);
    expect(state.error!.title).toMatch(/original slices/);
    await art.screenshot(page, 'mpr sagittal: plain-words error');
    expect(await readLabelmap(page, imageId)).toEqual(before);
  });
});
