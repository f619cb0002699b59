// More of "Segment in 3D" in the real viewer (issue 10), on the CT phantom liver with the test model (WASM):
// - key-slice boxes: K, a box drawn with the mouse on every 6th liver slice (kept, shown, listed), Shift+K → one
//   preview; Enter; 3D Dice vs ground truth ≥ 0.9 and voxel-identical to `medsam segment3d --boxes` (same boxes);
// - a range marked with [ and ]: a band beside the slice scrollbar at the marked images; Shift+D → MedSAM's 3D
//   box, nothing outside the range, voxel-identical to `segment3d --box --slice --range`; Clear range removes it;
// - a Bidirectional measurement drawn with the mouse (the toolbar's Measure group; two drags), right-click on it:
//   OHIF's menu keeps its items and offers ours; "Segment in 3D with MedSAM" → the 3D run from the measurement's
//   box (+ margin), voxel-identical to `segment3d` with that box;
// - the same box in the stack viewport and in the MPR layout's axial volume viewport: the same 3D voxels; a range
//   marked there is named in the panel by the numbers OHIF's overlay shows.
// Takes about 4–8 minutes (slower under load).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { maskArea, maskBox, readPhantomLabels, structureDice3d, structureMask, type LabelVolume } from './medsam/groundTruth';
import { dragBox, imageToPage, selectBoxTool, showInMpr, showInstance, waitForState, type ImageBox } from './medsam/medsamPage';
import { drawBidirectional, selectMeasureTool } from './medsam/measurementPage';
import { decodeSegmentMasks, readSegmentMasks } from './medsam/segPage';
import { clearRange, cliSegment3d, differingSlices, previewMasks, runCommand, sha256, showMedsamPanel, waitFor3d, type CommandWindow, type Volume3dView } from './medsam/volume3dPage';

const MODEL_FILE = path.resolve(repoRoot, 'models/test-tiny/manifest.json');
const ORGAN = 'liver';
const RUN_MS = 420_000;

jest.setTimeout(600_000);

describe('Segment in 3D: key slices, marked range, measurement menu, volume viewport (browser, test model)', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let truth: LabelVolume;
  let sops: string[]; // phantom slice k ↔ series.json index k
  let viewportId: string;
  let keySlice: number;
  let box: ImageBox;
  let liver: number[]; // phantom slices with liver
  const art = new Artifacts('medsam-3d-more');
  // The CLI counts slices along the normal (ascending position); the phantom's series runs the other way.
  const cliSlice = (k: number) => truth.slices - 1 - k;
  const phantomSliceOf = (imageId: string) => sops.findIndex((sop) => imageId.includes(sop));
  const gtBox = (k: number, margin: number): ImageBox => {
    const b = maskBox(structureMask(truth, k, ORGAN), truth.columns)!;
    return { x0: b.x0 - margin, y0: b.y0 - margin, x1: b.x1 + margin, y1: b.y1 + margin };
  };

  /** The liver box on its largest slice through medsamSegmentBox (exact image pixels) → the 2D preview. */
  async function boxAndPreview(page: Page, onViewport = viewportId, shownImageId?: string): Promise<void> {
    const imageId = shownImageId ?? (await showInstance(page, sops[keySlice]));
    void runCommand(page, 'medsamSegmentBox', { viewportId: onViewport, imageId, box });
    const preview = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(preview.error).toBeNull();
  }

  async function press3d(page: Page, key: string): Promise<NonNullable<Volume3dView['result']>> {
    await page.keyboard.press(key);
    const state = await waitFor3d(page, "s.run.status === 'idle' && (s.result?.phase === 'preview' || !!s.error)", RUN_MS);
    expect(state.error).toBeNull();
    return state.result!;
  }

  beforeAll(async () => {
    const appConfigJs = medsamAppConfigJs(repoRoot, { modelManifestUrl: '/e2e-model/manifest.json', backends: ['wasm'], threads: 2 });
    stack = await startStack({ appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], logFile: art.file('stack.log') });
    truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    const series = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')) as { slices: { index: number; sopInstanceUid: string }[] };
    sops = [...series.slices].sort((a, b) => a.index - b.index).map((s) => s.sopInstanceUid);
    const areas = Array.from({ length: truth.slices }, (_, k) => maskArea(structureMask(truth, k, ORGAN)));
    keySlice = areas.indexOf(Math.max(...areas));
    liver = areas.flatMap((a, k) => (a > 0 ? [k] : []));
    box = gtBox(keySlice, 2);
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    const { page } = browser;
    await openStudy(page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    await waitForState(page, "s.model.status === 'ready'", 180_000);
    viewportId = await page.evaluate(() => (window as unknown as CommandWindow).services.viewportGridService.getActiveViewportId());
    await selectBoxTool(page);
  });

  afterAll(async () => {
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('key-slice boxes drawn with the mouse (K), Shift+K: one preview; Enter: Dice ≥ 0.9 and equal to `segment3d --boxes`', async () => {
    const { page } = browser;
    // Every 6th liver slice, 3 inside its ends, as a reader marks every 3–10 slices.
    const keys = liver.filter((k) => k >= liver[0] + 3 && k <= liver[liver.length - 1] - 3 && (k - liver[0] - 3) % 6 === 0);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    await page.keyboard.press('KeyK');
    await waitFor3d(page, 's.keys.collecting', 5_000);
    for (const [i, k] of keys.entries()) {
      const imageId = await showInstance(page, sops[k]);
      await dragBox(page, imageId, gtBox(k, 3));
      await waitFor3d(page, `s.keys.boxes.length === ${i + 1} || !!s.error`, 10_000);
    }
    let state = (await runCommand(page, 'medsamGet3dState')) as Volume3dView;
    expect(state.error).toBeNull();
    // Nothing was segmented while collecting: no 2D result.
    expect((await waitForState(page, 'true', 1_000)).result).toBeNull();
    expect(state.keys.boxes.map((b) => phantomSliceOf(b.imageId)).sort((a, b) => a - b)).toEqual(keys);
    expect(await page.locator('[data-cy="medsam-3d-key"]').count()).toBe(keys.length);
    await art.screenshot(page, 'key boxes collected (the last one drawn on its slice)');

    const result = await press3d(page, 'Shift+KeyK');
    expect(result.mode).toBe('key-slices');
    expect(result.keySlices).toHaveLength(keys.length);
    await showMedsamPanel(page);
    expect(await page.textContent('[data-cy="medsam-3d-prompt"]')).toMatch(/^boxes on images /);
    await page.keyboard.press('Enter');
    const accepted = await waitFor3d(page, "s.result?.phase === 'accepted' || !!s.error", 30_000);
    expect(accepted.error).toBeNull();
    const masks = decodeSegmentMasks(await readSegmentMasks(page, accepted.result!.segmentationId)).get(accepted.result!.segmentIndex!)!;
    const score = structureDice3d(truth, sops, ORGAN, masks);
    art.writeText('key-slices.json', JSON.stringify({ keys, dice: score, result: accepted.result }, null, 2));
    expect(score).toBeGreaterThanOrEqual(0.9);

    // The CLI with the very boxes the viewer kept (image pixels, as dragged), each on its slice.
    const boxesFile = art.file('key-boxes.json');
    const boxes = state.keys.boxes.map((b) => ({ slice: cliSlice(phantomSliceOf(b.imageId)), box: [b.box.x0, b.box.y0, b.box.x1, b.box.y1] }));
    fs.writeFileSync(boxesFile, JSON.stringify({ boxes }));
    const cli = await cliSegment3d(repoRoot, { model: MODEL_FILE, series: path.join(stack.manifest.ctPhantomDir, 'dicom'), prompt: ['--boxes', boxesFile], out: art.file('key-slices-cli.nii'), summary: art.file('key-slices-cli.json') });
    expect(differingSlices(cli, sops, masks, cliSlice)).toEqual([]);

    // Collecting ends with K; Clear empties the list.
    await page.keyboard.press('KeyK');
    await showMedsamPanel(page);
    await page.click('[data-cy="medsam-3d-keys-clear"]');
    state = await waitFor3d(page, '!s.keys.collecting && s.keys.boxes.length === 0', 5_000);
    expect(await page.locator('[data-cy="medsam-3d-key"]').count()).toBe(0);
  });

  it('[ and ] mark a range: a band beside the scrollbar; Shift+D stays inside it and equals `segment3d --range`', async () => {
    const { page } = browser;
    const [lo, hi] = [keySlice - 6, keySlice + 5];
    await showInstance(page, sops[lo]);
    await page.keyboard.press('[');
    await showInstance(page, sops[hi]);
    await page.keyboard.press(']');
    const { marks } = await waitFor3d(page, 's.marks.first !== null && s.marks.last !== null', 5_000);
    expect([phantomSliceOf(marks.firstImageId!), phantomSliceOf(marks.lastImageId!)]).toEqual([lo, hi]);

    // The band: on the viewport, at the marked images' share of the scrollbar's track, right of the image.
    const band = await page.evaluate((id) => {
      const w = window as any;
      const vp = w.services.cornerstoneViewportService.getCornerstoneViewport(id);
      const marker = vp.element.querySelector('[data-cy="medsam-range-marker"]') as HTMLElement | null;
      if (!marker) return null;
      const r = marker.getBoundingClientRect();
      const e = vp.element.getBoundingClientRect();
      return { first: Number(marker.dataset.first), last: Number(marker.dataset.last), count: vp.getImageIds().length, top: (r.top - e.top - 8) / (e.height - 16), height: r.height / (e.height - 16), fromRight: e.right - r.right };
    }, viewportId);
    expect(band).not.toBeNull();
    const [first, last] = [Math.min(marks.first!, marks.last!), Math.max(marks.first!, marks.last!)];
    expect([band!.first, band!.last]).toEqual([first, last]);
    expect(band!.top).toBeCloseTo(first / band!.count, 2);
    expect(band!.height).toBeCloseTo((last - first + 1) / band!.count, 2);
    expect(band!.fromRight).toBeGreaterThan(15);
    expect(band!.fromRight).toBeLessThan(40);
    await showMedsamPanel(page);
    expect(await page.textContent('[data-cy="medsam-3d-range"]')).toContain(`first image ${marks.first! + 1}, last image ${marks.last! + 1}`);

    await boxAndPreview(page);
    await art.screenshot(page, 'range marked beside the scrollbar');
    const result = await press3d(page, 'Shift+KeyD');
    expect(result.mode).toBe('box3d');
    const preview = await previewMasks(page, result.segmentationId);
    const outside = [...preview.keys()].map((sop) => sops.indexOf(sop)).filter((k) => k < lo || k > hi);
    expect(outside).toEqual([]);
    expect(preview.size).toBeGreaterThan(0);
    const cli = await cliSegment3d(repoRoot, {
      model: MODEL_FILE,
      series: path.join(stack.manifest.ctPhantomDir, 'dicom'),
      prompt: ['--box', [box.x0, box.y0, box.x1, box.y1].join(','), '--slice', String(cliSlice(keySlice)), '--range', `${cliSlice(hi)},${cliSlice(lo)}`],
      out: art.file('range-cli.nii'),
      summary: art.file('range-cli.json'),
    });
    expect(differingSlices(cli, sops, preview, cliSlice)).toEqual([]);
    await page.keyboard.press('Escape');
    await waitFor3d(page, "s.result?.phase === 'discarded'", 10_000);

    await clearRange(page);
    await page.waitForFunction((id) => !(window as any).services.cornerstoneViewportService.getCornerstoneViewport(id).element.querySelector('[data-cy="medsam-range-marker"]'), viewportId, { timeout: 5_000 });
  });

  it('a Bidirectional measurement drawn from the toolbar, right-click on it: the host menu plus ours; "Segment in 3D with MedSAM" → 3D from its box, equal to `segment3d`', async () => {
    const { page } = browser;
    await clearRange(page); // (a failed test before may have left one)
    const imageId = await showInstance(page, sops[keySlice]);
    const gt = structureMask(truth, keySlice, ORGAN);
    const b = maskBox(gt, truth.columns)!;
    const cy = Math.round((b.y0 + b.y1) / 2);
    const cx = Math.round((b.x0 + b.x1) / 2);
    const row = Array.from({ length: truth.columns }, (_, x) => gt[cy * truth.columns + x]);
    const col = Array.from({ length: truth.rows }, (_, y) => gt[y * truth.columns + cx]);
    // The mode's own tool, passive until the reader picks it from the toolbar's Measure group (no test set-up).
    const passive = await page.evaluate((vpId) => {
      const group = (window as unknown as { cornerstoneTools: any }).cornerstoneTools.ToolGroupManager.getToolGroupForViewport(vpId);
      return group.hasTool('Bidirectional') ? group.getToolOptions('Bidirectional')?.mode : null;
    }, viewportId);
    expect(passive).toBe('Passive');
    await selectMeasureTool(page, 'Bidirectional');
    // RECIST-like, with the mouse: the long axis across the liver's middle row, then the short axis' upper end
    // pulled to the liver's top edge in the middle column.
    const drawn = await drawBidirectional(page, imageId, [[row.indexOf(1), cy], [row.lastIndexOf(1), cy]], [cx, col.indexOf(1)]);
    const points = drawn.points;
    art.writeText('bidirectional-drawn.json', JSON.stringify(drawn));
    await page.waitForTimeout(500);
    const [handle] = await imageToPage(page, imageId, [[points[0][0] + 0.5, points[0][1] + 0.5]]);
    await page.mouse.click(handle[0], handle[1], { button: 'right' });
    const ours = page.getByText('Segment in 3D with MedSAM', { exact: true });
    await ours.waitFor({ timeout: 10_000 });
    await expect(page.getByText('Segment with MedSAM', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByText(/^Delete (measurement|annotation)$/i).first().isVisible()).resolves.toBe(true);
    await art.screenshot(page, 'measurement context menu');
    await ours.click();
    const state = await waitFor3d(page, "s.run.status === 'idle' && (s.result?.phase === 'preview' || !!s.error)", RUN_MS);
    expect(state.error).toBeNull();
    expect(state.result!.mode).toBe('one-box');
    const result = state.result!;
    // The measurement's box: both axes' bounding box grown by a tenth of its longer side (boxFromMeasurement).
    const [xs, ys] = [points.map((p) => p[0]), points.map((p) => p[1])];
    const margin = Math.max(3, 0.1 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)));
    expect(result.box.x0).toBeCloseTo(Math.max(0, Math.min(...xs) - margin), 3);
    expect(result.box.y1).toBeCloseTo(Math.min(truth.rows - 1, Math.max(...ys) + margin), 3);
    expect(phantomSliceOf(result.slices.find((s) => s.slice === result.keySlice)!.imageId)).toBe(keySlice);
    const preview = await previewMasks(page, result.segmentationId);
    const score = structureDice3d(truth, sops, ORGAN, preview);
    art.writeText('measurement-menu-3d.json', JSON.stringify({ dice: score, slices: result.slices.length, box: result.box }, null, 2));
    // The same as `segment3d` with that box from that slice; the looser box (the margin) lets the test model run
    // on past the liver's ends (Dice ≈ 0.8 against ≈ 0.97 for the tight box above), so the bound is lower.
    const cli = await cliSegment3d(repoRoot, {
      model: MODEL_FILE,
      series: path.join(stack.manifest.ctPhantomDir, 'dicom'),
      prompt: ['--box', [result.box.x0, result.box.y0, result.box.x1, result.box.y1].join(','), '--slice', String(cliSlice(keySlice))],
      out: art.file('measurement-cli.nii'),
      summary: art.file('measurement-cli.json'),
    });
    expect(differingSlices(cli, sops, preview, cliSlice)).toEqual([]);
    expect(score).toBeGreaterThanOrEqual(0.75);
    await page.keyboard.press('Escape');
    await waitFor3d(page, "s.result?.phase === 'discarded'", 10_000);
    await page.evaluate((uid) => (window as unknown as { cornerstoneTools: any }).cornerstoneTools.annotation.state.removeAnnotation(uid), drawn.annotationUID);
    await selectBoxTool(page);
  });

  it('the same box in the stack viewport and in the axial volume viewport (MPR): the same 3D voxels', async () => {
    const { page } = browser;
    await clearRange(page);
    await boxAndPreview(page);
    await runCommand(page, 'medsamSegment3d');
    let state = await waitFor3d(page, "s.run.status === 'idle' && (s.result?.phase === 'preview' || !!s.error)", RUN_MS);
    expect(state.error).toBeNull();
    const inStack = await previewMasks(page, state.result!.segmentationId);
    await page.keyboard.press('Escape');
    await waitFor3d(page, "s.result?.phase === 'discarded'", 10_000);

    // The volume lists the same imageIds as the stack (perhaps in the other order).
    const imageId = state.result!.slices.find((s) => phantomSliceOf(s.imageId) === keySlice)!.imageId;
    await showInMpr(page, imageId);
    await page.evaluate(() => (window as any).services.viewportGridService.setActiveViewportId('mpr-axial'));
    await boxAndPreview(page, 'mpr-axial', imageId);
    await runCommand(page, 'medsamSegment3d');
    state = await waitFor3d(page, "s.run.status === 'idle' && (s.result?.phase === 'preview' || !!s.error)", RUN_MS);
    expect(state.error).toBeNull();
    await art.screenshot(page, '3D preview in the MPR axial viewport');
    const inVolume = await previewMasks(page, state.result!.segmentationId);
    art.writeText('stack-vs-volume.json', JSON.stringify({ stack: inStack.size, volume: inVolume.size }, null, 2));
    expect([...inVolume.keys()].sort()).toEqual([...inStack.keys()].sort());
    for (const [sop, mask] of inStack) expect(sha256(inVolume.get(sop)!)).toBe(sha256(mask));
    expect(inStack.size).toBeGreaterThanOrEqual(29);
    await page.keyboard.press('Escape');
    await waitFor3d(page, "s.result?.phase === 'discarded'", 10_000);

    // A range marked in the volume viewport: its band sits at the slider's own positions (the slider may count
    // against the volume's image list), and the panel names the marked images by the number OHIF's overlay shows.
    const mark = async (imageIndex: number, key: string): Promise<number | null> => {
      await page.evaluate(async (k) => {
        const w = window as any;
        const axial = w.services.cornerstoneViewportService.getCornerstoneViewport('mpr-axial');
        await w.cornerstone.utilities.jumpToSlice(axial.element, { imageIndex: k });
        axial.render();
      }, imageIndex);
      await page.waitForTimeout(300);
      await page.keyboard.press(key);
      // OHIF's overlay, bottom right of that viewport: "I: <instance> (n/N)" or "n/N".
      return page.evaluate(() => {
        const w = window as any;
        let pane: HTMLElement | null = w.services.cornerstoneViewportService.getCornerstoneViewport('mpr-axial').element;
        while (pane && !pane.querySelector('[data-cy="viewport-overlay-bottom-right"]')) pane = pane.parentElement;
        const m = /(\d+)\/(\d+)/.exec(pane?.querySelector('[data-cy="viewport-overlay-bottom-right"]')?.textContent ?? '');
        return m ? Number(m[1]) : null;
      });
    };
    const [a, b] = [14, 25];
    const shownA = await mark(a, '[');
    const shownB = await mark(b, ']');
    await waitFor3d(page, 's.marks.first !== null && s.marks.last !== null', 5_000);
    expect([shownA, shownB]).toEqual([a + 1, b + 1]);
    await showMedsamPanel(page);
    expect(await page.textContent('[data-cy="medsam-3d-range"]')).toContain(`first image ${shownA}, last image ${shownB}`);
    await page.waitForTimeout(300);
    const band = await page.evaluate(() => {
      const w = window as any;
      const vp = w.services.cornerstoneViewportService.getCornerstoneViewport('mpr-axial');
      const marker = vp.element.querySelector('[data-cy="medsam-range-marker"]') as HTMLElement | null;
      if (!marker) return null;
      const r = marker.getBoundingClientRect();
      const e = vp.element.getBoundingClientRect();
      return { first: Number(marker.dataset.first), last: Number(marker.dataset.last), count: vp.getNumberOfSlices(), top: (r.top - e.top - 8) / (e.height - 16), height: r.height / (e.height - 16) };
    });
    await art.screenshot(page, 'range marked in the MPR axial viewport');
    expect(band).not.toBeNull();
    expect([band!.first, band!.last]).toEqual([a, b]);
    expect(band!.top).toBeCloseTo(a / band!.count, 2);
    expect(band!.height).toBeCloseTo((b - a + 1) / band!.count, 2);
    await clearRange(page);
  });
});
