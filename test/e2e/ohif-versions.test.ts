// The run-time bundles in the other supported prebuilt OHIF viewers (3.13.2, the default, has the full e2e):
// per version, a real Orthanc and Chromium, and the reader's smallest whole loop — open the study in the
// MedSAM mode → the MedSAM button → box → Enter → Save to PACS → the SEG is in Orthanc with the accepted
// voxels; the Measure group's tools in the mode's tool group — plus the host's own study list and stock viewer
// still working with our bundles added.
// MEDSAM_E2E_OHIF_VERSIONS="3.12.10,3.11.1" picks the versions (default: every supported one but 3.13.2).
import path from 'node:path';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, qidoStudies, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { maskBox, readPhantomLabels, structureMask } from './medsam/groundTruth';
import { selectMeasureTool } from './medsam/measurementPage';
import { dragBox, medsamState, selectBoxTool, showInstance, waitForState } from './medsam/medsamPage';
import { segSeriesInPacs } from './medsam/pacs';
import { decodeSegmentMasks, decodeSlices, loadSegFromStudyBrowser, readSegmentMasks, readSegmentationVoxels, saveFromPanel, waitForDisplaySet } from './medsam/segPage';
import fs from 'node:fs';

const VERSIONS = (process.env.MEDSAM_E2E_OHIF_VERSIONS ?? '3.11.1,3.12.10,3.14.0-beta.6').split(',').map((v) => v.trim()).filter(Boolean);
const MODEL_FILE = path.resolve(repoRoot, 'models/test-tiny/manifest.json');
const MODEL_URL = `/e2e-model/${path.basename(MODEL_FILE)}`;
const LIVER_SLICE = 15;

jest.setTimeout(600_000);

describe.each(VERSIONS)('OHIF %s with the MedSAM bundles added at run time', (version) => {
  let stack: Stack;
  let browser: BrowserSession;
  const art = new Artifacts(`ohif-${version}`);

  beforeAll(async () => {
    const appConfigJs = medsamAppConfigJs(repoRoot, { modelManifestUrl: MODEL_URL, backends: ['wasm'], threads: 2 });
    stack = await startStack({ ohifVersion: version, appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], logFile: art.file('stack.log') });
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('the host still works: study list and the stock viewer', async () => {
    const { page } = browser;
    // the served dist is that version (the stamp prepareViewer writes when it unpacks `npm pack @ohif/app@V`)
    expect((await (await fetch(`${stack.url}/.ohif-app-version`)).text()).trim()).toBe(version);
    await page.goto(stack.url, { waitUntil: 'domcontentloaded' });
    const studies = await qidoStudies(page);
    expect(studies.map((s) => s.description)).toContain(CT_PHANTOM);
    await page.waitForSelector(`text=${CT_PHANTOM}`, { timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { cornerstone?: { version?: string } }).cornerstone?.version)).toBeTruthy();
    await openStudy(page, stack.url, 'viewer', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    await art.screenshot(page, 'stock viewer');
  });

  it('box → Enter, a box → Esc, Ctrl+Z, box → Enter → Save to PACS: the SEG in Orthanc holds the accepted segment; reload and load it: the same voxels', async () => {
    const { page } = browser;
    const studyUid = findStudy(stack.manifest, CT_PHANTOM).studyUid;
    const truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    const series = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')) as { slices: { index: number; sopInstanceUid: string }[] };
    const gt = maskBox(structureMask(truth, LIVER_SLICE, 'liver'), truth.columns)!;

    await openStudy(page, stack.url, 'medsam', studyUid);
    try {
      await waitForRenderedImage(page, { timeoutMs: 90_000 });
    } catch (e) {
      // Seen once in CI on 3.12.10 (a fresh dist, a loaded machine): the mode's page never laid out a viewport.
      // A reader reloads a blank page; so does the test, once, keeping the evidence. A second failure fails the test.
      await art.screenshot(page, 'no viewport after opening the study (reloading once)');
      console.warn(`OHIF ${version}: ${e instanceof Error ? e.message : String(e)}; reloading once`);
      await openStudy(page, stack.url, 'medsam', studyUid);
      await waitForRenderedImage(page, { timeoutMs: 90_000 });
    }
    await page.waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
    const loaded = await waitForState(page, "s.model.status === 'ready' || s.model.status === 'error'", 180_000);
    expect(loaded.model.status).toBe('ready');
    const imageId = await showInstance(page, series.slices.find((s) => s.index === LIVER_SLICE)!.sopInstanceUid);
    // The measurements MedSAM segments from: the mode's tools (passive) and the toolbar's Measure group, also where
    // the host's mode API ignores toolbarButtons / toolGroupAdditions (3.11/3.12: the extension's adaptHost).
    const measureTools = await page.evaluate(() => {
      const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[] } }; cornerstoneTools: any };
      const group = w.cornerstoneTools.ToolGroupManager.getToolGroupForViewport(w.services.cornerstoneViewportService.getViewportIds()[0]);
      return ['Bidirectional', 'Length', 'RectangleROI'].map((t) => `${t}:${group.hasTool(t) ? group.getToolOptions(t)?.mode : 'absent'}`);
    });
    expect(measureTools).toEqual(['Bidirectional:Passive', 'Length:Passive', 'RectangleROI:Passive']);
    await selectMeasureTool(page, 'Bidirectional'); // the toolbar's Measure group makes it the primary tool
    await selectBoxTool(page); // clicks the MedSAM toolbar button; waits for the tool to be primary
    await dragBox(page, imageId, { x0: gt.x0 - 3, y0: gt.y0 - 3, x1: gt.x1 + 3, y1: gt.y1 + 3 });
    const preview = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(preview.error).toBeNull();
    await page.keyboard.press('Enter');
    const accepted = await waitForState(page, "s.result?.phase === 'accepted'", 10_000);
    await art.screenshot(page, 'accepted');

    const segmentationId = accepted.result!.segmentationId;
    const voxels = decodeSlices(await readSegmentationVoxels(page, segmentationId));
    expect(voxels.size).toBe(1);

    // Esc: a second box's preview goes, the accepted liver stays as it was.
    const spleen = maskBox(structureMask(truth, LIVER_SLICE, 'spleen'), truth.columns)!;
    await dragBox(page, imageId, { x0: spleen.x0 - 3, y0: spleen.y0 - 3, x1: spleen.x1 + 3, y1: spleen.y1 + 3 });
    expect((await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000)).error).toBeNull();
    await page.keyboard.press('Escape');
    await waitForState(page, "s.result?.phase === 'discarded'", 10_000);
    expect(decodeSlices(await readSegmentationVoxels(page, segmentationId))).toEqual(voxels);
    // Ctrl+Z takes the accept back (OHIF's undo walks cornerstone's history, where the accept is recorded).
    await page.keyboard.press('Control+z');
    await waitForState(page, "s.result?.phase === 'undone'", 10_000);
    expect(decodeSlices(await readSegmentationVoxels(page, segmentationId)).size).toBe(0);
    // and the reader boxes the liver again
    await dragBox(page, imageId, { x0: gt.x0 - 3, y0: gt.y0 - 3, x1: gt.x1 + 3, y1: gt.y1 + 3 });
    expect((await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000)).error).toBeNull();
    await page.keyboard.press('Enter');
    await waitForState(page, "s.result?.phase === 'accepted'", 10_000);
    const saved = decodeSegmentMasks(await readSegmentMasks(page, segmentationId));
    expect([...saved.keys()]).toHaveLength(1);

    const outcome = await saveFromPanel(page);
    expect(outcome).toMatchObject({ ok: true, studyInstanceUID: studyUid, frames: 1 });
    const inPacs = await segSeriesInPacs(stack.orthancUrl, studyUid);
    expect(inPacs.map((s) => s.seriesInstanceUID)).toContain(outcome.seriesInstanceUID);
    expect(inPacs.find((s) => s.seriesInstanceUID === outcome.seriesInstanceUID)!.instances).toEqual([outcome.sopInstanceUID]);
    const state = await medsamState(page);
    expect(state.error).toBeNull();

    // Reload, load the stored SEG: the same voxels (SEG segment 1 is the one segment saved).
    await openStudy(page, stack.url, 'medsam', studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    const seg = await waitForDisplaySet(page, outcome.seriesInstanceUID!);
    await loadSegFromStudyBrowser(page, seg.displaySetInstanceUID);
    await page.waitForTimeout(1000);
    const back = decodeSegmentMasks(await readSegmentMasks(page, seg.displaySetInstanceUID));
    const [mine] = [...saved.values()];
    expect([...back.keys()]).toEqual([1]);
    expect([...back.get(1)!.keys()]).toEqual([...mine.keys()]);
    for (const [sop, mask] of mine) expect(Buffer.from(back.get(1)!.get(sop)!).equals(Buffer.from(mask))).toBe(true);
    await art.screenshot(page, 'reloaded, SEG loaded');
  });
});
