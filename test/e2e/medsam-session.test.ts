// A reading session, not a step: several organs and a lesion accepted as new segments through the public
// commands (a pause after each accept, as a reader works), Save to PACS, two more organs, save again. After
// each save, the SEG stored in Orthanc is read back (pydicom) and compared with the viewer's labelmap voxel
// by voxel: every segment that exists is saved, whatever came before.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { readWithPydicom } from '../fixtures/seg/segCases';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { maskBox, readPhantomLabels, structureMask, type LabelVolume } from './medsam/groundTruth';
import { dragBox, selectBoxTool, showInstance, waitForState } from './medsam/medsamPage';
import { fetchInstanceFile } from './medsam/pacs';
import { decodeSlices, readSegmentationVoxels, saveFromPanel, saveState, type SaveOutcomeView } from './medsam/segPage';

const MODEL_FILE = path.resolve(repoRoot, 'models/test-tiny/manifest.json');
const FIRST = ['liver', 'spleen', 'liver_lesion'];
const LATER = ['kidney_left', 'aorta'];
// kidney_right is accepted last, after the second save, to leave one unsaved change

jest.setTimeout(600_000);

type CommandWindow = { commandsManager: { runCommand(name: string, options?: Record<string, unknown>): unknown }; services: { viewportGridService: { getActiveViewportId(): string } } };

function run(page: Page, name: string, options: Record<string, unknown> = {}): Promise<unknown> {
  return page.evaluate(([n, o]) => (window as unknown as CommandWindow).commandsManager.runCommand(n as string, o as Record<string, unknown>), [name, options] as const);
}

const sha256 = (a: Uint8Array) => createHash('sha256').update(a).digest('hex');
function counts(labels: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of labels) if (v !== 0) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** The slice holding every structure of the session with the most of the smallest one. */
function sessionSlice(truth: LabelVolume, names: string[]): number {
  let best = -1;
  let bestArea = 0;
  for (let z = 0; z < truth.slices; z++) {
    const smallest = Math.min(...names.map((n) => structureMask(truth, z, n).reduce((a, b) => a + b, 0)));
    if (smallest > bestArea) [best, bestArea] = [z, smallest];
  }
  if (best < 0) throw new Error('no slice holds every structure');
  return best;
}

// As the demo runs it (embeddings from the service, "auto") and in the browser alone.
const SETUPS = [
  { name: 'embedding service (auto)', medsam: { encoderBackend: 'auto', embeddingServiceUrl: '/' }, service: true },
  { name: 'browser only', medsam: {}, service: false },
  // as a reader does it: the mouse for boxes, Enter / the panel's "As new segment" and "Save to PACS" buttons
  { name: 'mouse, keys and panel buttons', medsam: {}, service: false, ui: true },
];

describe.each(SETUPS)('a reading session ($name): many segments, save, more segments, save again', (setup) => {
  let stack: Stack;
  let browser: BrowserSession;
  let truth: LabelVolume;
  let imageId: string;
  let viewportId: string;
  let slice: number;
  const art = new Artifacts(`medsam-session-${setup.service ? 'service' : 'browser'}`);

  async function accept(name: string, newSegment: boolean): Promise<number> {
    const { page } = browser;
    const gt = maskBox(structureMask(truth, slice, name), truth.columns)!;
    const box = { x0: gt.x0 - 2, y0: gt.y0 - 2, x1: gt.x1 + 2, y1: gt.y1 + 2 };
    if (setup.ui) await dragBox(page, imageId, box);
    else void run(page, 'medsamSegmentBox', { viewportId, imageId, box });
    const preview = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(preview.error).toBeNull();
    if (!setup.ui) await run(page, 'medsamAccept', { newSegment });
    else if (newSegment) await page.click('[data-cy="medsam-accept-new"]');
    else await page.keyboard.press('Enter');
    const accepted = await waitForState(page, "s.result?.phase === 'accepted'", 10_000);
    await page.waitForTimeout(1500);
    return accepted.result!.segmentIndex!;
  }

  async function save(): Promise<SaveOutcomeView> {
    const outcome = setup.ui ? await saveFromPanel(browser.page) : ((await run(browser.page, 'medsamSaveSegmentation')) as SaveOutcomeView);
    expect((await saveState(browser.page)).status).toBe(outcome.ok ? 'saved' : 'failed');
    return outcome;
  }

  /** The panel's unsaved-changes line, or null when everything is saved. */
  async function unsavedText(): Promise<string | null> {
    const el = await browser.page.$('[data-cy="medsam-unsaved"]');
    return el ? ((await el.textContent()) ?? '').trim() : null;
  }

  /** The registered segments (OHIF's segmentation service) of the one segmentation. */
  async function registered(segmentationId: string): Promise<number[]> {
    return browser.page.evaluate((id) => {
      const w = window as unknown as { services: { segmentationService: { getSegmentation(id: string): { segments: Record<string, { segmentIndex: number } | undefined> } } } };
      return Object.values(w.services.segmentationService.getSegmentation(id).segments).filter(Boolean).map((s) => s!.segmentIndex).sort((a, b) => a - b);
    }, segmentationId);
  }

  /** The stored SEG equals the viewer's labelmap voxel by voxel (renumbered as the SEG numbers segments). */
  async function expectStoredEqualsViewer(outcome: SaveOutcomeView, label: string): Promise<void> {
    const file = art.file(`${label}.dcm`);
    fs.writeFileSync(file, await fetchInstanceFile(stack.orthancUrl, outcome.sopInstanceUID!));
    const view = readWithPydicom(file);
    const number = new Map(outcome.segments!.map((s) => [s.segmentIndex, s.segmentNumber]));
    const viewer = decodeSlices(await readSegmentationVoxels(browser.page, outcome.segmentationId!));
    const expected = new Map([...viewer].map(([sop, labels]) => [sop, labels.map((v) => (v === 0 ? 0 : (number.get(v) ?? 255)))]));
    expect(view.segments.map((s) => s.number).sort()).toEqual([...number.values()].sort());
    expect(Object.keys(view.frames).sort()).toEqual([...expected.keys()].sort());
    for (const [sop, labels] of expected) expect(view.frames[sop]).toEqual({ counts: counts(labels), sha256: sha256(labels) });
  }

  beforeAll(async () => {
    const appConfigJs = medsamAppConfigJs(repoRoot, { modelManifestUrl: '/e2e-model/manifest.json', backends: ['wasm'], threads: 2, ...setup.medsam });
    const embeddingService = setup.service ? { embeddingService: { manifest: path.join(repoRoot, 'models/test-tiny/manifest_u8.json') } } : {};
    stack = await startStack({ appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], logFile: art.file('stack.log'), ...embeddingService });
    truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    slice = sessionSlice(truth, [...FIRST, ...LATER, 'kidney_right']);
    const series = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')) as { slices: { index: number; sopInstanceUid: string }[] };
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    const { page } = browser;
    await openStudy(page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    await waitForState(page, "s.model.status === 'ready'", 180_000);
    imageId = await showInstance(page, series.slices.find((s) => s.index === slice)!.sopInstanceUid);
    viewportId = await page.evaluate(() => (window as unknown as CommandWindow).services.viewportGridService.getActiveViewportId());
    if (setup.ui) await selectBoxTool(page);
  });

  afterAll(async () => {
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  let first: SaveOutcomeView;

  it('liver, spleen, lesion as new segments → save stores all three', async () => {
    const indices = [await accept(FIRST[0], false), await accept(FIRST[1], true), await accept(FIRST[2], true)];
    expect(new Set(indices).size).toBe(3);
    expect(await unsavedText()).toBe('3 segments changed since the last save: not in the PACS yet.');
    first = await save();
    expect(await unsavedText()).toBeNull();
    await browser.page.waitForSelector('[data-cy="medsam-save-success"]');
    expect(first).toMatchObject({ ok: true });
    expect(await registered(first.segmentationId!)).toEqual([...indices].sort((a, b) => a - b));
    expect(first.segments!.map((s) => s.segmentIndex).sort()).toEqual([...indices].sort((a, b) => a - b));
    await expectStoredEqualsViewer(first, 'save-1');
  });

  it('then kidney and aorta as new segments → the next save stores all five', async () => {
    const later = [await accept(LATER[0], true)];
    // the first change after a save: the panel says so and the green "Saved" box is gone
    expect(await unsavedText()).toBe('1 segment changed since the last save: not in the PACS yet.');
    expect(await browser.page.$('[data-cy="medsam-save-success"]')).toBeNull();
    later.push(await accept(LATER[1], true));
    const all = await registered(first.segmentationId!);
    expect(all).toHaveLength(5);
    for (const index of later) expect(all).toContain(index);
    const second = await save();
    expect(second).toMatchObject({ ok: true, seriesInstanceUID: first.seriesInstanceUID });
    expect(second.segments!.map((s) => s.segmentIndex).sort()).toEqual(all);
    await expectStoredEqualsViewer(second, 'save-2');
    expect(await unsavedText()).toBeNull();
    await art.screenshot(browser.page, 'five segments saved');
  });

  it('leaving with an unsaved segment asks first; staying keeps it', async () => {
    const { page } = browser;
    await page.mouse.click(5, 5); // Chromium asks before unload only after a user gesture on the page
    const index = await accept('kidney_right', true);
    expect(await unsavedText()).toMatch(/^1 segment changed/);
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.type()))));
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    expect(page.isClosed()).toBe(false);
    expect(await registered(first.segmentationId!)).toContain(index);
  });
});
