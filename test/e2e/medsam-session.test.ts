// A reading session, not a step: several organs and a lesion inside the liver accepted as new segments through
// the public commands (a pause after each accept, as a reader works), Save to PACS, two more organs, save again,
// reload, load the stored SEG, add a segment to it, save. After each save, the SEG stored in Orthanc is read back
// (pydicom) and compared with the viewer's labelmap segment by segment, voxel by voxel: every segment that exists
// is saved, whatever came before, and the liver keeps the lesion inside it (overlapping segments stay whole).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { dciodvfy, readWithPydicom } from '../fixtures/seg/segCases';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { PANEL_ID } from '../../extensions/medsam/src/id';
import { medsamAppConfigJs } from './medsam/appConfig';
import { maskBox, readPhantomLabels, structureMask, type LabelVolume } from './medsam/groundTruth';
import { dragBox, selectBoxTool, showInstance, waitForState } from './medsam/medsamPage';
import { fetchInstanceFile } from './medsam/pacs';
import { decodeSegmentMasks, loadSegFromStudyBrowser, readSegmentMasks, saveFromPanel, saveState, waitForDisplaySet, type SaveOutcomeView } from './medsam/segPage';

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
const ones = (a: Uint8Array) => a.reduce((n, v) => n + v, 0);
type Masks = Map<number, Map<string, Uint8Array>>;
/** Voxels of one segment over all slices. */
const voxelsOf = (masks: Masks, index: number) => [...(masks.get(index)?.values() ?? [])].reduce((n, m) => n + ones(m), 0);
/** Voxels two segments share. */
function shared(masks: Masks, a: number, b: number): number {
  let n = 0;
  for (const [sop, ma] of masks.get(a) ?? []) {
    const mb = masks.get(b)?.get(sop);
    if (mb) for (let i = 0; i < ma.length; i++) n += ma[i] & mb[i];
  }
  return n;
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

  /** What the last preview said it overlapped, and what its accept did with the overlap. */
  let lastOverlap: { overlaps: { segmentIndex: number; pixels: number }[]; overlap: string | undefined } = { overlaps: [], overlap: undefined };

  async function accept(name: string, newSegment: boolean): Promise<number> {
    const { page } = browser;
    const gt = maskBox(structureMask(truth, slice, name), truth.columns)!;
    const box = { x0: gt.x0 - 2, y0: gt.y0 - 2, x1: gt.x1 + 2, y1: gt.y1 + 2 };
    if (setup.ui) await dragBox(page, imageId, box);
    else void run(page, 'medsamSegmentBox', { viewportId, imageId, box });
    const preview = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(preview.error).toBeNull();
    if (!setup.ui) await run(page, 'medsamAccept', { newSegment });
    // The panel's button while our panel is shown (OHIF shows its own segmentation panel after loading a SEG),
    // else the button's hotkey.
    else if (newSegment && (await page.isVisible('[data-cy="medsam-accept-new"]'))) await page.click('[data-cy="medsam-accept-new"]');
    else if (newSegment) await page.keyboard.press('Shift+Enter');
    else await page.keyboard.press('Enter');
    const accepted = await waitForState(page, "s.result?.phase === 'accepted'", 10_000);
    lastOverlap = { overlaps: [...(preview.result?.overlaps ?? [])], overlap: accepted.result?.overlap };
    await page.waitForTimeout(1500);
    return accepted.result!.segmentIndex!;
  }

  async function save(): Promise<SaveOutcomeView> {
    const outcome = setup.ui ? await saveFromPanel(browser.page) : ((await run(browser.page, 'medsamSaveSegmentation')) as SaveOutcomeView);
    expect((await saveState(browser.page)).status).toBe(outcome.ok ? 'saved' : 'failed');
    return outcome;
  }

  async function activeSegmentationId(): Promise<string> {
    const state = (await run(browser.page, 'medsamGetState')) as { target: { segmentationId: string } | null };
    return state.target!.segmentationId;
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

  /**
   * The stored SEG (read back by pydicom) equals the viewer's segments voxel by voxel, each segment whole (the SEG
   * numbers segments 1..n), and validates. Returns the viewer's masks it compared.
   */
  async function expectStoredEqualsViewer(outcome: SaveOutcomeView, label: string): Promise<Masks> {
    const file = art.file(`${label}.dcm`);
    fs.writeFileSync(file, await fetchInstanceFile(stack.orthancUrl, outcome.sopInstanceUID!));
    expect(dciodvfy(file).errors).toEqual([]);
    const view = readWithPydicom(file);
    const number = new Map(outcome.segments!.map((s) => [s.segmentIndex, s.segmentNumber]));
    const viewer = decodeSegmentMasks(await readSegmentMasks(browser.page, outcome.segmentationId!));
    expect(view.segments.map((s) => s.number).sort()).toEqual([...number.values()].sort());
    expect([...viewer.keys()].sort()).toEqual([...number.keys()].sort());
    for (const [index, bySop] of viewer) {
      const stored = view.segmentFrames[String(number.get(index))];
      expect(Object.keys(stored).sort()).toEqual([...bySop.keys()].sort());
      for (const [sop, mask] of bySop) expect(stored[sop]).toEqual({ count: ones(mask), sha256: sha256(mask) });
    }
    return viewer;
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

  it('liver, spleen, a lesion inside the liver as new segments → the liver stays whole → save stores all three', async () => {
    const indices = [await accept(FIRST[0], false), await accept(FIRST[1], true)];
    const liverBefore = voxelsOf(decodeSegmentMasks(await readSegmentMasks(browser.page, await activeSegmentationId())), indices[0]);
    indices.push(await accept(FIRST[2], true));
    expect(new Set(indices).size).toBe(3);
    // The lesion's preview named the liver it covers; accepting kept both whole.
    expect(lastOverlap.overlaps.map((o) => o.segmentIndex)).toContain(indices[0]);
    expect(lastOverlap.overlap).toBe('kept');
    const masks = decodeSegmentMasks(await readSegmentMasks(browser.page, await activeSegmentationId()));
    expect(voxelsOf(masks, indices[0])).toBe(liverBefore);
    expect(shared(masks, indices[0], indices[2])).toBeGreaterThan(0.5 * voxelsOf(masks, indices[2]));
    expect(await unsavedText()).toBe('3 segments changed since the last save: not in the PACS yet.');
    first = await save();
    expect(await unsavedText()).toBeNull();
    await browser.page.waitForSelector('[data-cy="medsam-save-success"]');
    expect(first).toMatchObject({ ok: true });
    expect(await registered(first.segmentationId!)).toEqual([...indices].sort((a, b) => a - b));
    expect(first.segments!.map((s) => s.segmentIndex).sort()).toEqual([...indices].sort((a, b) => a - b));
    const stored = await expectStoredEqualsViewer(first, 'save-1');
    expect(shared(stored, indices[0], indices[2])).toBeGreaterThan(0); // the overlap itself is in the PACS
    expect(readWithPydicom(art.file('save-1.dcm')).overlapping).toBe(true);
  });

  it('then kidney and aorta as new segments → the next save stores all five', async () => {
    const later = [await accept(LATER[0], true)];
    // the first change after a save: the panel says so and the green "Saved" box is gone
    expect(await unsavedText()).toBe('1 segment changed since the last save: not in the PACS yet.');
    expect(await browser.page.$('[data-cy="medsam-save-success"]')).toBeNull();
    later.push(await accept(LATER[1], true));
    // Saying what a segment is names it (it still had its given name).
    await browser.page.selectOption(`[data-cy="medsam-save-target-${later[0]}"]`, 'kidney');
    const kidneyLabel = await browser.page.evaluate(
      ([id, index]) => (window as unknown as { services: { segmentationService: { getSegmentation(id: string): { segments: Record<number, { label: string }> } } } }).services.segmentationService.getSegmentation(id as string).segments[index as number].label,
      [first.segmentationId!, later[0]] as const,
    );
    expect(kidneyLabel).toBe('Kidney');
    const all = await registered(first.segmentationId!);
    expect(all).toHaveLength(5);
    for (const index of later) expect(all).toContain(index);
    const second = await save();
    expect(second).toMatchObject({ ok: true, seriesInstanceUID: first.seriesInstanceUID });
    expect(second.segments!.map((s) => s.segmentIndex).sort()).toEqual(all);
    await expectStoredEqualsViewer(second, 'save-2');
    const kidney = second.segments!.find((x) => x.segmentIndex === later[0])!;
    expect(readWithPydicom(art.file('save-2.dcm')).segments.find((x) => x.number === kidney.segmentNumber)).toMatchObject({ label: 'Kidney', type: expect.arrayContaining(['64033007']) });
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

  it('save, reload, load the SEG from the PACS: every segment back whole; one more segment into it → saved with the rest', async () => {
    const { page } = browser;
    const saved = await save();
    expect(saved).toMatchObject({ ok: true });
    const before = await expectStoredEqualsViewer(saved, 'save-3');
    await openStudy(page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    await waitForState(page, "s.model.status === 'ready'", 180_000);
    const seg = await waitForDisplaySet(page, saved.seriesInstanceUID!);
    await loadSegFromStudyBrowser(page, seg.displaySetInstanceUID);
    await page.waitForTimeout(1000);
    const loaded = decodeSegmentMasks(await readSegmentMasks(page, seg.displaySetInstanceUID));
    // OHIF numbers the loaded segments as the SEG does (1..n): compare in SEG numbers.
    const number = new Map(saved.segments!.map((s) => [s.segmentIndex, s.segmentNumber]));
    expect([...loaded.keys()].sort()).toEqual([...number.values()].sort());
    for (const [index, bySop] of before) {
      const back = loaded.get(number.get(index)!)!;
      expect([...back.keys()].sort()).toEqual([...bySop.keys()].sort());
      for (const [sop, mask] of bySop) expect(sha256(back.get(sop)!)).toBe(sha256(mask));
    }
    await art.screenshot(page, 'stored SEG loaded, overlap whole');
    // OHIF shows its own segmentation panel after loading a SEG; the reader goes back to the MedSAM panel's tab.
    await page.evaluate((id) => (window as unknown as { services: { panelService: { activatePanel(id: string, force?: boolean): void } } }).services.panelService.activatePanel(id, true), PANEL_ID);
    await page.waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
    imageId = await showInstance(page, (JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')) as { slices: { index: number; sopInstanceUid: string }[] }).slices.find((s) => s.index === slice)!.sopInstanceUid);
    viewportId = await page.evaluate(() => (window as unknown as CommandWindow).services.viewportGridService.getActiveViewportId());
    if (setup.ui) await selectBoxTool(page);
    const added = await accept('spleen', true);
    expect(await activeSegmentationId()).toBe(seg.displaySetInstanceUID);
    const edited = await save();
    expect(edited).toMatchObject({ ok: true });
    expect(edited.segments!.map((s) => s.segmentIndex)).toContain(added);
    expect(edited.segments).toHaveLength(saved.segments!.length + 1);
    await expectStoredEqualsViewer(edited, 'save-4');
  });
});
