// "Save to PACS" in the real OHIF 3.13.2 viewer (run-time bundles) against a real Orthanc: a MedSAM liver
// segment on the CT phantom goes to the PACS as DICOM-SEG and comes back exactly.
// - PACS down: the save shows a plain-words error and the segmentation stays as it was; PACS back: the retry
//   stores ONE series with ONE instance; a later retry (down, then up again) sends the identical object and
//   the PACS still holds one; a PACS refusing the object is reported with its reason.
// - The stored instance (fetched from Orthanc's REST API): dciodvfy 0 errors; pydicom decodes the same voxels
//   as the viewer held. Reloading the study and loading the SEG from the study browser gives every voxel back.
// - A single-image study (CT_small) saves a valid SEG too.
// Screenshots of every step go to test-output/medsam-seg/.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readSegmentation } from '../../extensions/medsam/src/seg/readSegmentation';
import { dciodvfy, readWithPydicom } from '../fixtures/seg/segCases';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { maskBox, readPhantomLabels, structureMask } from './medsam/groundTruth';
import { dragBox, medsamState, selectBoxTool, showInstance, waitForState, type ImageBox } from './medsam/medsamPage';
import { fetchInstanceFile, segSeriesInPacs } from './medsam/pacs';
import { decodeSlices, loadSegFromStudyBrowser, readSegmentationVoxels, saveFromPanel, segmentationIds, waitForDisplaySet, type SaveOutcomeView } from './medsam/segPage';
import { timedStep } from './medsam/timedStep';

const MODEL_FILE = path.resolve(repoRoot, process.env.MEDSAM_E2E_MODEL ?? 'models/test-tiny/manifest.json');
const MODEL_URL = `/e2e-model/${path.basename(MODEL_FILE)}`;
const ORGAN = { name: 'liver', slice: 15, margin: 3 };
const CT_SMALL_STUDY = '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322';
const LIVER = ['10200004', 'SCT', 'Liver'];

jest.setTimeout(600_000);

const sha256 = (a: Uint8Array) => createHash('sha256').update(a).digest('hex');

function counts(labels: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of labels) if (v !== 0) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** The viewer's slices renumbered as the SEG numbers segments (viewer segment index → SEG segment number). */
function inSegNumbers(slices: Map<string, Uint8Array>, outcome: SaveOutcomeView): Map<string, Uint8Array> {
  const number = new Map(outcome.segments!.map((s) => [s.segmentIndex, s.segmentNumber]));
  return new Map([...slices].map(([sop, labels]) => [sop, labels.map((v) => (v === 0 ? 0 : (number.get(v) ?? 255)))]));
}

describe('MedSAM segmentation saved to the PACS as DICOM-SEG and read back (run-time bundles)', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let studyUid: string;
  let imageId: string;
  let organBox: ImageBox;
  let segmentationId: string;
  /** The viewer's labelmap (sopInstanceUID → voxels) right after the accept: what every check compares to. */
  let accepted: Map<string, Uint8Array>;
  let stored: SaveOutcomeView;
  let storedFile: string;
  const timings: Record<string, number> = {};
  const art = new Artifacts('medsam-seg');

  const step = timedStep(timings);

  const pacsSegSeries = () => segSeriesInPacs(stack.orthancUrl, studyUid);

  async function viewerSlices(id = segmentationId): Promise<Map<string, Uint8Array>> {
    return decodeSlices(await readSegmentationVoxels(browser.page, id));
  }

  beforeAll(async () => {
    if (!fs.existsSync(MODEL_FILE)) throw new Error(`the e2e test needs the test model ${path.relative(repoRoot, MODEL_FILE)} (models/testing/train_test_model.py)`);
    await step('build', async () => void execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, stdio: 'inherit' }));
    const appConfigJs = medsamAppConfigJs(repoRoot, { modelManifestUrl: MODEL_URL, backends: ['wasm'], threads: 2 });
    stack = await step('stack', () => startStack({ appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], logFile: art.file('stack.log') }));
    studyUid = findStudy(stack.manifest, CT_PHANTOM).studyUid;
    const truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    const series = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')) as { slices: { index: number; sopInstanceUid: string }[] };
    const slice = series.slices.find((s) => s.index === ORGAN.slice)!;
    const gt = maskBox(structureMask(truth, ORGAN.slice, ORGAN.name), truth.columns)!;
    organBox = { x0: gt.x0 - ORGAN.margin, y0: gt.y0 - ORGAN.margin, x1: gt.x1 + ORGAN.margin, y1: gt.y1 + ORGAN.margin };

    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    const { page } = browser;
    await step('open study', async () => {
      await openStudy(page, stack.url, 'medsam', studyUid);
      await waitForRenderedImage(page, { timeoutMs: 90_000 });
    });
    await page.waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
    const loaded = await step('model load', () => waitForState(page, "s.model.status === 'ready' || s.model.status === 'error'", 180_000));
    if (loaded.model.status !== 'ready') throw new Error(`model did not load: ${JSON.stringify(loaded.model)}`);
    imageId = await showInstance(page, slice.sopInstanceUid);
    await selectBoxTool(page);
  });

  afterAll(async () => {
    art.writeText('timings.json', JSON.stringify(timings, null, 2));
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('liver box + Enter; the PACS is down: the save says so in plain words and the segmentation is unchanged', async () => {
    const { page } = browser;
    await step('box + accept', async () => {
      await dragBox(page, imageId, organBox);
      await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
      await page.keyboard.press('Enter');
      await waitForState(page, "s.result?.phase === 'accepted'", 10_000);
    });
    const state = await medsamState(page);
    segmentationId = state.result!.segmentationId;
    accepted = await viewerSlices();
    expect([...accepted.keys()]).toHaveLength(1);
    expect(counts([...accepted.values()][0])).toEqual({ [state.result!.segmentIndex!]: state.result!.areaPixels });
    await page.selectOption(`[data-cy="medsam-save-target-${state.result!.segmentIndex}"]`, 'liver');
    await art.screenshot(page, 'liver accepted, segment described as Liver');
    // Saying what it is named the segment (it still had its given name "MedSAM 1").

    await stack.stopOrthanc();
    const outcome = await step('save, PACS down', () => saveFromPanel(page));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'PACS_UNREACHABLE' } });
    const shown = await page.textContent('[data-cy="medsam-save-error"]');
    expect(shown).toMatch(/The PACS is not reachable/);
    expect(shown).toMatch(/Your segmentation is still here, unchanged/);
    await art.screenshot(page, 'PACS down: plain-words error');
    expect(await viewerSlices()).toEqual(accepted);
    expect(await segmentationIds(page)).toEqual([segmentationId]);
  });

  it('the PACS is back: the retry stores exactly one SEG series with one instance', async () => {
    const { page } = browser;
    await stack.restartOrthanc();
    stored = await step('save, PACS back', () => saveFromPanel(page));
    expect(stored).toMatchObject({ ok: true, segmentationId, studyInstanceUID: studyUid, seriesNumber: 3101, instanceNumber: 1, frames: 1 });
    expect(stored.segments).toEqual([expect.objectContaining({ segmentNumber: 1, label: 'Liver', algorithmType: 'SEMIAUTOMATIC' })]);
    const shown = await page.textContent('[data-cy="medsam-save-success"]');
    expect(shown).toContain('series 3101');
    expect(shown).toContain(stored.seriesInstanceUID);
    await art.screenshot(page, 'PACS back: saved');
    const inPacs = await pacsSegSeries();
    expect(inPacs).toEqual([{ seriesInstanceUID: stored.seriesInstanceUID, seriesNumber: 3101, description: stored.seriesDescription, instances: [stored.sopInstanceUID] }]);
    expect(await viewerSlices()).toEqual(accepted);
  });

  it('down again, then back: the retry sends the identical object and the PACS still holds one', async () => {
    const { page } = browser;
    await stack.stopOrthanc();
    let failed: SaveOutcomeView;
    try {
      failed = await saveFromPanel(page);
    } finally {
      await stack.restartOrthanc();
    }
    expect(failed).toMatchObject({ ok: false, error: { code: 'PACS_UNREACHABLE' } });
    const again = await step('save again, unchanged', () => saveFromPanel(page));
    expect(again).toMatchObject({ ok: true, repeated: true, seriesInstanceUID: stored.seriesInstanceUID, sopInstanceUID: stored.sopInstanceUID, instanceNumber: 1 });
    await page.waitForSelector('[data-cy="medsam-save-success"]:has-text("the PACS keeps one copy")');
    await art.screenshot(page, 'saved again: same object');
    expect(await pacsSegSeries()).toEqual([{ seriesInstanceUID: stored.seriesInstanceUID, seriesNumber: 3101, description: stored.seriesDescription, instances: [stored.sopInstanceUID] }]);
  });

  it('a PACS that refuses the object: progress while it answers, then its reason in plain words; nothing changes', async () => {
    const { page } = browser;
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // A STOW-RS answer that lists the instance under Failed SOP Sequence with HTTP 200 (as PACS may do),
    // held back until the panel's progress has been seen.
    await page.route('**/dicom-web/studies', async (route) => {
      const body = route.request().postDataBuffer()?.toString('latin1') ?? '';
      const sop = /2\.25\.\d+/.exec(body)?.[0] ?? '';
      await answered;
      await route.fulfill({
        status: 200,
        contentType: 'application/dicom+json',
        body: JSON.stringify({ '00081198': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: [sop] }, '00081197': { vr: 'US', Value: [0xa700] } }] } }),
      });
    });
    try {
      const saving = saveFromPanel(page);
      await page.waitForSelector('[data-cy="medsam-save-progress"]:has-text("Sending to the PACS")', { timeout: 10_000 });
      await art.screenshot(page, 'saving: progress');
      answer();
      const outcome = await saving;
      expect(outcome).toMatchObject({ ok: false, error: { code: 'PACS_REFUSED' } });
      const shown = await page.textContent('[data-cy="medsam-save-error"]');
      expect(shown).toMatch(/The PACS refused the object/);
      expect(shown).toMatch(/out of resources \(0xA700\)/);
      await art.screenshot(page, 'PACS refuses: reason shown');
    } finally {
      answer();
      await page.unroute('**/dicom-web/studies');
    }
    expect(await viewerSlices()).toEqual(accepted);
    expect((await pacsSegSeries()).map((s) => s.instances)).toEqual([[stored.sopInstanceUID]]);
  });

  it('the stored instance: dciodvfy finds no error, pydicom decodes the viewer\'s voxels exactly', async () => {
    const bytes = await fetchInstanceFile(stack.orthancUrl, stored.sopInstanceUID!);
    storedFile = art.file('stored-seg.dcm');
    fs.writeFileSync(storedFile, bytes);
    const check = dciodvfy(storedFile);
    art.writeText('dciodvfy.txt', check.output);
    expect(check.output).toMatch(/Segmentation/);
    expect(check.errors).toEqual([]);

    const view = readWithPydicom(storedFile);
    art.writeText('pydicom.json', JSON.stringify(view, null, 2));
    expect(view).toMatchObject({ sopClassUID: '1.2.840.10008.5.1.4.1.1.66.4', segmentationType: 'BINARY', numberOfFrames: 1 });
    expect(view.rows * view.columns).toBe([...accepted.values()][0].length);
    expect(view.segments).toEqual([
      expect.objectContaining({ number: 1, label: 'Liver', algorithmType: 'SEMIAUTOMATIC', algorithmName: 'MedSAM', category: ['123037004', 'SCT', 'Anatomical Structure'], type: LIVER }),
    ]);
    const model = (await medsamState(browser.page)).model.info!;
    expect(view.segments[0].modelName).toBe(model.name);
    expect(view.segments[0].modelVersion).toMatch(new RegExp(`^${model.name}@`));
    // The normalisation record travels in AlgorithmParameters; our reader recovers it exactly.
    expect(readSegmentation(bytes).segments[0].normalization).toEqual({ rule: 'ct-window', lower: -500, upper: 1000, preset: 'medsam-paper' });
    const expected = inSegNumbers(accepted, stored);
    expect(Object.keys(view.frames).sort()).toEqual([...expected.keys()].sort());
    for (const [sop, labels] of expected) expect(view.frames[sop]).toEqual({ counts: counts(labels), sha256: sha256(labels) });
  });

  it('reloading the study and loading the SEG from the study browser gives every voxel back', async () => {
    const { page } = browser;
    await step('reload study', async () => {
      await openStudy(page, stack.url, 'medsam', studyUid);
      await waitForRenderedImage(page, { timeoutMs: 90_000 });
    });
    const seg = await waitForDisplaySet(page, stored.seriesInstanceUID!);
    expect(seg).toMatchObject({ Modality: 'SEG', SeriesNumber: 3101 });
    await art.screenshot(page, 'reloaded: SEG series in the study browser');
    await step('load SEG', () => loadSegFromStudyBrowser(page, seg.displaySetInstanceUID));
    await page.waitForTimeout(1000);
    await art.screenshot(page, 'SEG loaded over the CT');
    const back = await readSegmentationVoxels(page, seg.displaySetInstanceUID);
    expect(back.sourceImages).toBe(40);
    const voxels = decodeSlices(back);
    const expected = inSegNumbers(accepted, stored);
    expect([...voxels.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [sop, labels] of expected) {
      const got = voxels.get(sop)!;
      expect(got.length).toBe(labels.length);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(labels))).toBe(0);
    }
  });

  describe('a single-image study (CT_small)', () => {
    let first: SaveOutcomeView;
    let imageIdSmall: string;
    let sop: string;

    async function boxAndAccept(box: ImageBox, newSegment: boolean): Promise<void> {
      const { page } = browser;
      await dragBox(page, imageIdSmall, box);
      await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
      expect((await medsamState(page)).error).toBeNull();
      if (newSegment) await page.click('[data-cy="medsam-accept-new"]');
      else await page.keyboard.press('Enter');
      await waitForState(page, "s.result?.phase === 'accepted'", 10_000);
    }

    async function checkStored(outcome: SaveOutcomeView, name: string): Promise<void> {
      const file = art.file(`${name}.dcm`);
      fs.writeFileSync(file, await fetchInstanceFile(stack.orthancUrl, outcome.sopInstanceUID!));
      const check = dciodvfy(file);
      art.writeText(`dciodvfy-${name}.txt`, check.output);
      expect(check.output).toMatch(/Segmentation/);
      expect(check.errors).toEqual([]);
      const view = readWithPydicom(file);
      const expected = inSegNumbers(await viewerSlices(outcome.segmentationId!), outcome);
      expect(Object.keys(view.frames)).toEqual([sop]);
      expect(view.frames[sop]).toEqual({ counts: counts(expected.get(sop)!), sha256: sha256(expected.get(sop)!) });
      expect(view.segments.map((s) => s.number)).toEqual(outcome.segments!.map((s) => s.segmentNumber));
    }

    it('saves a valid SEG (dciodvfy 0 errors) holding the viewer\'s voxels', async () => {
      const { page } = browser;
      await step('open CT_small', async () => {
        await openStudy(page, stack.url, 'medsam', CT_SMALL_STUDY);
        await waitForRenderedImage(page, { timeoutMs: 90_000 });
      });
      await waitForState(page, "s.model.status === 'ready'", 180_000);
      sop = stack.manifest.studies.find((s) => s.studyUid === CT_SMALL_STUDY)!.files[0].sopUid;
      imageIdSmall = await showInstance(page, sop);
      await selectBoxTool(page);
      await step('CT_small box + accept', () => boxAndAccept({ x0: 30, y0: 30, x1: 98, y1: 98 }, false));
      first = await step('save CT_small', () => saveFromPanel(page));
      await art.screenshot(page, 'CT_small saved');
      expect(first).toMatchObject({ ok: true, frames: 1, instanceNumber: 1, repeated: false });
      await checkStored(first, 'stored-seg-ct-small');
    });

    it('changed, then saved with the PACS down and again (by command, no dialog): one new instance in the same series', async () => {
      const { page } = browser;
      await boxAndAccept({ x0: 4, y0: 60, x1: 40, y1: 124 }, true);
      await stack.stopOrthanc();
      let failed: SaveOutcomeView;
      try {
        failed = await saveFromPanel(page);
      } finally {
        await stack.restartOrthanc();
      }
      expect(failed).toMatchObject({ ok: false, error: { code: 'PACS_UNREACHABLE' } });
      const retried = (await page.evaluate(() =>
        (window as unknown as { commandsManager: { runCommand(n: string): unknown } }).commandsManager.runCommand('medsamSaveSegmentation'),
      )) as SaveOutcomeView;
      await art.screenshot(page, 'CT_small changed: new instance, same series');
      expect(retried).toMatchObject({ ok: true, repeated: true, seriesInstanceUID: first.seriesInstanceUID, instanceNumber: 2 });
      expect(retried.sopInstanceUID).not.toBe(first.sopInstanceUID);
      expect(retried.segments).toHaveLength(2);
      const inPacs = await segSeriesInPacs(stack.orthancUrl, CT_SMALL_STUDY);
      expect(inPacs).toHaveLength(1);
      expect(inPacs[0].seriesInstanceUID).toBe(first.seriesInstanceUID);
      expect([...inPacs[0].instances].sort()).toEqual([first.sopInstanceUID, retried.sopInstanceUID].sort());
      await checkStored(retried, 'stored-seg-ct-small-v2');
    });
  });
});
