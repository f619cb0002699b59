// "Segment in 3D" in the real viewer (issue 10): one box on the CT phantom liver's largest slice, Shift+D → one
// 3D preview over every slice it reached; 3D Dice against the phantom's ground truth; Enter writes every slice,
// one Ctrl+Z takes all of them back, Ctrl+Y puts them back; Save → dciodvfy → one SEG frame per segmented slice →
// reload, load the SEG: voxel-identical; and voxel-identical to `medsam segment3d` on the same runtime (WASM). Cancel part-way keeps the slices done as the preview; Esc drops them.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { dciodvfy, readWithPydicom } from '../fixtures/seg/segCases';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { dice, maskArea, maskBox, readPhantomLabels, structureDice3d, structureMask, type LabelVolume } from './medsam/groundTruth';
import { drawBidirectional, selectMeasureTool } from './medsam/measurementPage';
import { imageToPage, selectBoxTool, showInstance, waitForState } from './medsam/medsamPage';
import { fetchInstanceFile } from './medsam/pacs';
import { decodeSegmentMasks, decodeSlices, loadSegFromStudyBrowser, readSegmentationVoxels, readSegmentMasks, waitForDisplaySet, type SaveOutcomeView } from './medsam/segPage';
import { ones, previewMasks, readNiftiUint8, runCommand as run, sha256, waitFor3d, type CommandWindow } from './medsam/volume3dPage';

const MODEL_FILE = path.resolve(repoRoot, 'models/test-tiny/manifest.json');
const ORGAN = 'liver';

jest.setTimeout(600_000);

describe('Segment in 3D on the CT phantom liver (browser, test model)', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let truth: LabelVolume;
  let sops: string[]; // phantom slice k ↔ series.json index k
  let viewportId: string;
  let keySlice: number;
  let box: { x0: number; y0: number; x1: number; y1: number };
  let accepted: Map<string, Uint8Array>;
  let segmentIndex: number;
  let segmentationId: string;
  let fullSlices: number;
  /** The first walk (one worker): its time, beside the encoder worker's walk at the end. */
  let oneWorkerMs: number;
  const art = new Artifacts('medsam-3d');

  /** Slices whose labelmap holds the preview value (255), by SOP instance, with their pixel counts. */
  async function previewSlices(): Promise<Map<string, number>> {
    const voxels = decodeSlices(await readSegmentationVoxels(browser.page, segmentationId));
    const out = new Map<string, number>();
    for (const [sop, values] of voxels) {
      const n = values.reduce((c, v) => c + (v === 255 ? 1 : 0), 0);
      if (n) out.set(sop, n);
    }
    return out;
  }

  async function boxAndPreview(): Promise<void> {
    const imageId = await showInstance(browser.page, sops[keySlice]);
    void run(browser.page, 'medsamSegmentBox', { viewportId, imageId, box });
    const preview = await waitForState(browser.page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(preview.error).toBeNull();
  }

  // One worker (medsam.encoderWorker "off", whatever the cores): the last case runs the walk with two.
  const medsamConfig = { modelManifestUrl: '/e2e-model/manifest.json', backends: ['wasm'], threads: 2, encoderWorker: 'off' };

  beforeAll(async () => {
    const appConfigJs = medsamAppConfigJs(repoRoot, medsamConfig);
    stack = await startStack({ appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], logFile: art.file('stack.log') });
    truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    const series = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')) as { slices: { index: number; sopInstanceUid: string }[] };
    sops = [...series.slices].sort((a, b) => a.index - b.index).map((s) => s.sopInstanceUid);
    const areas = Array.from({ length: truth.slices }, (_, k) => maskArea(structureMask(truth, k, ORGAN)));
    keySlice = areas.indexOf(Math.max(...areas));
    const gt = maskBox(structureMask(truth, keySlice, ORGAN), truth.columns)!;
    box = { x0: gt.x0 - 2, y0: gt.y0 - 2, x1: gt.x1 + 2, y1: gt.y1 + 2 };
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    const { page } = browser;
    await openStudy(page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    await waitForState(page, "s.model.status === 'ready'", 180_000);
    viewportId = await page.evaluate(() => (window as unknown as CommandWindow).services.viewportGridService.getActiveViewportId());
    await selectBoxTool(page); // OHIF sends Enter/Esc to the active tool
  });

  afterAll(async () => {
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('one box on the largest slice, Shift+D: one 3D preview over every slice reached; 3D Dice vs ground truth', async () => {
    const { page } = browser;
    await boxAndPreview();
    await page.keyboard.press('Shift+KeyD');
    const state = await waitFor3d(page, "s.result?.phase === 'preview' || !!s.error", 300_000);
    expect(state.error).toBeNull();
    const result = state.result!;
    segmentationId = result.segmentationId;
    expect(result.mode).toBe('one-box');
    expect(result.cancelled).toBe(false);
    const kept = result.slices.filter((s) => s.areaPixels > 0);
    fullSlices = kept.length;
    oneWorkerMs = result.totalMs;
    art.writeText('3d-result.json', JSON.stringify(result, null, 2));
    // The true liver spans 35 slices; the test model's walk stops within 3 of its ends (segment3d.phantom.test.ts).
    expect(fullSlices).toBeGreaterThanOrEqual(29);
    // ONE preview: every slice of the result holds the preview value, exactly its pixels, and nothing else does.
    const preview = await previewSlices();
    expect(preview.size).toBe(fullSlices);
    for (const s of kept) expect(preview.get(sops.find((sop) => s.imageId.includes(sop))!)).toBe(s.areaPixels);
    expect(result.volumeMl).toBeCloseTo((result.voxels * 1.5625 * 1.5625 * 5) / 1000, 6); // 5 mm apart, from the positions
    expect(await page.textContent('[data-cy="medsam-3d-stopped"]')).toMatch(/Towards the last image: stopped after image \d+/);
    await art.screenshot(page, '3D preview');
  });

  it('Enter accepts every slice into one segment: 3D Dice ≥ 0.9; one Ctrl+Z undoes all of it, Ctrl+Y redoes it', async () => {
    const { page } = browser;
    await page.keyboard.press('Enter');
    const state = await waitFor3d(page, "s.result?.phase === 'accepted' || !!s.error", 30_000);
    expect(state.error).toBeNull();
    segmentIndex = state.result!.segmentIndex!;
    accepted = decodeSegmentMasks(await readSegmentMasks(page, segmentationId)).get(segmentIndex) ?? new Map();
    expect(accepted.size).toBe(fullSlices);
    expect([...accepted.values()].reduce((n, m) => n + ones(m), 0)).toBe(state.result!.voxels);
    expect((await previewSlices()).size).toBe(0);
    const score = structureDice3d(truth, sops, ORGAN, accepted);
    art.writeText('3d-dice.json', JSON.stringify({ dice: score, slices: fullSlices }, null, 2));
    expect(score).toBeGreaterThanOrEqual(0.9);
    expect(await page.textContent('[data-cy="medsam-unsaved"]')).toMatch(/^1 segment changed/);

    await page.keyboard.press('Control+z');
    await waitFor3d(page, "s.result?.phase === 'undone'", 10_000);
    expect(decodeSegmentMasks(await readSegmentMasks(page, segmentationId)).get(segmentIndex)?.size ?? 0).toBe(0);

    await page.keyboard.press('Control+y');
    await waitFor3d(page, "s.result?.phase === 'accepted'", 10_000);
    const redone = decodeSegmentMasks(await readSegmentMasks(page, segmentationId)).get(segmentIndex)!;
    expect([...redone.keys()].sort()).toEqual([...accepted.keys()].sort());
    for (const [sop, mask] of accepted) expect(sha256(redone.get(sop)!)).toBe(sha256(mask));
  });

  it('the accepted voxels equal `medsam segment3d` with the same box on the same runtime (WASM, 2 threads)', async () => {
    const out = art.file('segment3d-cli.nii');
    // The CLI counts slices along the normal (ascending position); the phantom's series runs the other way.
    const cliSlice = truth.slices - 1 - keySlice;
    await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, 'core/dist/medsam.cjs'), 'segment3d', '--model', MODEL_FILE, '--series', path.join(stack.manifest.ctPhantomDir, 'dicom'), '--box', [box.x0, box.y0, box.x1, box.y1].join(','), '--slice', String(cliSlice), '--backend', 'wasm', '--threads', '2', '--out', out, '--summary', art.file('segment3d-cli.json')],
      { cwd: repoRoot, maxBuffer: 16 << 20 },
    );
    const cli = readNiftiUint8(out);
    expect([cli.columns, cli.rows, cli.slices]).toEqual([truth.columns, truth.rows, truth.slices]);
    const n = cli.rows * cli.columns;
    const differing: string[] = [];
    sops.forEach((sop, k) => {
      const fromCli = cli.voxels.subarray((truth.slices - 1 - k) * n, (truth.slices - k) * n);
      const fromViewer = accepted.get(sop) ?? new Uint8Array(n);
      if (sha256(Uint8Array.from(fromCli)) !== sha256(fromViewer)) differing.push(`slice ${k}: cli ${ones(Uint8Array.from(fromCli))} px, viewer ${ones(fromViewer)} px`);
    });
    expect(differing).toEqual([]);
  });

  it('Cancel part-way keeps the slices done as the preview; Esc drops them all', async () => {
    const { page } = browser;
    await boxAndPreview();
    // Cancel from inside the page as soon as three slices are done (the test model is fast).
    await page.evaluate(async () => {
      const w = window as unknown as CommandWindow;
      void w.commandsManager.runCommand('medsamSegment3d', {});
      for (;;) {
        const s = w.commandsManager.runCommand('medsamGet3dState') as { run: { status: string; done?: number } };
        if (s.run.status === 'running' && (s.run.done ?? 0) >= 3) break;
        await new Promise((r) => setTimeout(r, 0));
      }
      w.commandsManager.runCommand('medsamCancel3d');
    });
    const state = await waitFor3d(page, "s.run.status === 'idle' && (s.result?.phase === 'preview' || !!s.error)", 120_000);
    expect(state.error).toBeNull();
    const result = state.result!;
    expect(result.cancelled).toBe(true);
    const kept = result.slices.filter((s) => s.areaPixels > 0);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(fullSlices);
    expect((await previewSlices()).size).toBe(kept.length);
    await art.screenshot(page, 'cancelled 3D preview');
    await page.keyboard.press('Escape');
    await waitFor3d(page, "s.result?.phase === 'discarded'", 10_000);
    expect((await previewSlices()).size).toBe(0);
    const still = decodeSegmentMasks(await readSegmentMasks(page, segmentationId)).get(segmentIndex)!;
    for (const [sop, mask] of accepted) expect(sha256(still.get(sop)!)).toBe(sha256(mask));
  });

  it('A Bidirectional measurement drawn on the liver from the toolbar → right-click → "Segment with MedSAM": its box + margin, a preview matching the liver; Esc; the panel\'s "Segment measurement" gives the same box', async () => {
    const { page } = browser;
    const imageId = await showInstance(page, sops[keySlice]);
    const gt = structureMask(truth, keySlice, ORGAN);
    const gtBox = maskBox(gt, truth.columns)!;
    const cy = Math.round((gtBox.y0 + gtBox.y1) / 2);
    const cx = Math.round((gtBox.x0 + gtBox.x1) / 2);
    const row = Array.from({ length: truth.columns }, (_, x) => gt[cy * truth.columns + x]);
    const col = Array.from({ length: truth.rows }, (_, y) => gt[y * truth.columns + cx]);
    // RECIST-like axes across the liver, drawn with the mouse with the mode's own tool: the long axis along the
    // middle row, then the short axis' upper end pulled to the liver's top edge in the middle column.
    await selectMeasureTool(page, 'Bidirectional');
    const drawn = await drawBidirectional(page, imageId, [[row.indexOf(1), cy], [row.lastIndexOf(1), cy]], [cx, col.indexOf(1)]);
    const points = drawn.points;
    await page.waitForTimeout(500);
    const [handle] = await imageToPage(page, imageId, [[points[0][0] + 0.5, points[0][1] + 0.5]]);
    await page.mouse.click(handle[0], handle[1], { button: 'right' });
    const ours = page.getByText('Segment with MedSAM', { exact: true });
    await ours.waitFor({ timeout: 10_000 });
    await expect(page.getByText('Segment in 3D with MedSAM', { exact: true }).isVisible()).resolves.toBe(true);
    await art.screenshot(page, 'drawn Bidirectional measurement and its menu');
    await ours.click();
    const preview = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(preview.error).toBeNull();
    // The box MedSAM got: the axes' bounding box grown by a tenth of its longer side.
    const [xs, ys] = [points.map((p) => p[0]), points.map((p) => p[1])];
    const margin = Math.max(3, 0.1 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)));
    const used = preview.result!.box;
    expect(used.x0).toBeCloseTo(Math.max(0, Math.min(...xs) - margin), 3);
    expect(used.y1).toBeCloseTo(Math.min(truth.rows - 1, Math.max(...ys) + margin), 3);
    const labels = decodeSlices(await readSegmentationVoxels(page, segmentationId)).get(sops[keySlice])!;
    const mask = Uint8Array.from(labels, (v) => (v === 255 ? 1 : 0));
    expect(dice(mask, gt)).toBeGreaterThan(0.85);
    await run(page, 'medsamReject');
    // The panel's way to the same measurement (the newest one): the same box.
    await waitForState(page, "s.result?.phase !== 'preview'", 10_000);
    await page.click('[data-cy="medsam-measurement-2d"]');
    const again = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(again.error).toBeNull();
    expect(again.result!.box).toEqual(used);
    await run(page, 'medsamReject');
    await page.evaluate((uid) => (window as unknown as { cornerstoneTools: any }).cornerstoneTools.annotation.state.removeAnnotation(uid), drawn.annotationUID);
    await selectBoxTool(page);
  });

  it('Save: dciodvfy 0 errors, one SEG frame per segmented slice; reload and load the SEG: voxel-identical', async () => {
    const { page } = browser;
    const outcome = (await run(page, 'medsamSaveSegmentation')) as SaveOutcomeView;
    expect(outcome).toMatchObject({ ok: true });
    const file = art.file('3d-seg.dcm');
    fs.writeFileSync(file, await fetchInstanceFile(stack.orthancUrl, outcome.sopInstanceUID!));
    expect(dciodvfy(file).errors).toEqual([]);
    const number = outcome.segments!.find((s) => s.segmentIndex === segmentIndex)!.segmentNumber;
    const stored = readWithPydicom(file).segmentFrames[String(number)];
    expect(Object.keys(stored).sort()).toEqual([...accepted.keys()].sort());
    expect(outcome.frames).toBe(accepted.size);
    for (const [sop, mask] of accepted) expect(stored[sop]).toEqual({ count: ones(mask), sha256: sha256(mask) });

    await openStudy(page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    const seg = await waitForDisplaySet(page, outcome.seriesInstanceUID!);
    await loadSegFromStudyBrowser(page, seg.displaySetInstanceUID);
    await page.waitForTimeout(1000);
    const loaded = decodeSegmentMasks(await readSegmentMasks(page, seg.displaySetInstanceUID)).get(number)!;
    expect([...loaded.keys()].sort()).toEqual([...accepted.keys()].sort());
    for (const [sop, mask] of accepted) expect(sha256(loaded.get(sop)!)).toBe(sha256(mask));
    await art.screenshot(page, 'stored 3D SEG loaded');
  });

  it('medsam.encoderWorker "on" (a second worker encodes the next slice while this one decodes): the same walk, voxel for voxel', async () => {
    const { page } = browser;
    const appConfigJs = medsamAppConfigJs(repoRoot, { ...medsamConfig, encoderWorker: 'on' });
    await page.route('**/app-config.js', (route) => route.fulfill({ status: 200, contentType: 'application/javascript', body: appConfigJs }));
    try {
      await openStudy(page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
      await waitForRenderedImage(page, { timeoutMs: 90_000 });
      const ready = await waitForState(page, "s.model.status === 'ready' || s.model.status === 'error'", 180_000);
      // The encoder worker really runs (no quiet fall-back to one worker): the 2 threads split 1 + 1.
      expect(ready.model.info as unknown).toMatchObject({ threads: 1, encoderWorker: { threads: 1 } });
      viewportId = await page.evaluate(() => (window as unknown as CommandWindow).services.viewportGridService.getActiveViewportId());
      await selectBoxTool(page);
      await boxAndPreview();
      await page.keyboard.press('Shift+KeyD');
      const state = await waitFor3d(page, "s.result?.phase === 'preview' || !!s.error", 300_000);
      expect(state.error).toBeNull();
      const result = state.result!;
      expect(result).toMatchObject({ mode: 'one-box', cancelled: false });
      const walked = await previewMasks(page, result.segmentationId);
      art.writeText('encoder-worker-walk.json', JSON.stringify({ oneWorkerMs, encoderWorkerMs: result.totalMs, slices: walked.size, note: 'one run each, not paired; see BENCHMARKS.md' }, null, 2));
      expect([...walked.keys()].sort()).toEqual([...accepted.keys()].sort());
      const differing = [...accepted].filter(([sop, mask]) => sha256(walked.get(sop)!) !== sha256(mask)).map(([sop, mask]) => `${sop}: one worker ${ones(mask)} px, encoder worker ${ones(walked.get(sop)!)} px`);
      expect(differing).toEqual([]);
      await page.keyboard.press('Escape');
      await waitFor3d(page, "s.result?.phase === 'discarded'", 10_000);
    } finally {
      await page.unroute('**/app-config.js');
    }
  });
});
