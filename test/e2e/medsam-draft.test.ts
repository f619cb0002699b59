// Leaving with unsaved MedSAM segments, and coming back to them. OHIF's back arrow asks first (Cancel stays
// with every voxel, OK goes to the study list); the unsaved segmentation is kept as a local draft in the
// browser (IndexedDB) and offered back when the study is opened again, after the back arrow or a reload:
// Restore brings back every voxel of every segment (a lesion inside the liver included: overlap stays whole)
// into OHIF's segmentation service, Save stores them in the PACS (read back with pydicom) and removes the
// draft; Discard removes it too.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { readWithPydicom } from '../fixtures/seg/segCases';
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { maskBox, readPhantomLabels, structureMask, type LabelVolume } from './medsam/groundTruth';
import { showInstance, waitForState } from './medsam/medsamPage';
import { fetchInstanceFile } from './medsam/pacs';
import { decodeSegmentMasks, readSegmentMasks, type SaveOutcomeView, type SegmentMasks } from './medsam/segPage';

const MODEL_FILE = path.resolve(repoRoot, 'models/test-tiny/manifest.json');
const ORGANS = ['liver', 'spleen', 'liver_lesion', 'kidney_right'];

jest.setTimeout(600_000);

type CommandWindow = { commandsManager: { runCommand(name: string, options?: Record<string, unknown>): unknown }; services: any };

function run(page: Page, name: string, options: Record<string, unknown> = {}): Promise<unknown> {
  return page.evaluate(([n, o]) => (window as unknown as CommandWindow).commandsManager.runCommand(n as string, o as Record<string, unknown>), [name, options] as const);
}

interface DraftSummary {
  key: string;
  segmentationId: string;
  updatedAt: number;
  segments: { segmentIndex: number; label: string; slices: number }[];
}

/** The drafts in the page's IndexedDB, read as any page script could (never creates the database). */
function storedDrafts(page: Page): Promise<DraftSummary[]> {
  return page.evaluate(
    () =>
      new Promise<DraftSummary[]>((resolve, reject) => {
        const open = indexedDB.open('medsam-drafts');
        open.onupgradeneeded = () => open.transaction!.abort(); // no database yet: leave it to the extension
        open.onerror = () => resolve([]);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('values', 'readonly');
          const store = tx.objectStore('values');
          const keys = store.getAllKeys();
          const values = store.getAll();
          tx.oncomplete = () => {
            db.close();
            resolve(
              values.result.map((d: any, i: number) => ({
                key: String(keys.result[i]),
                segmentationId: d.segmentationId,
                updatedAt: d.updatedAt,
                segments: d.segments.map((s: any) => ({ segmentIndex: s.segmentIndex, label: s.label, slices: s.slices.length })),
              })),
            );
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

async function waitForDrafts(page: Page, predicate: (d: DraftSummary[]) => boolean, timeoutMs = 20_000): Promise<DraftSummary[]> {
  const deadline = Date.now() + timeoutMs;
  let last: DraftSummary[] = [];
  while (Date.now() < deadline) {
    last = await storedDrafts(page);
    if (predicate(last)) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`the stored drafts never matched; last: ${JSON.stringify(last)}`);
}

const sha256 = (a: Uint8Array) => createHash('sha256').update(a).digest('hex');
const ones = (m: Uint8Array) => m.reduce((n, v) => n + v, 0);
/** Voxels two segments share (on any slice). */
function shared(masks: SegmentMasks, a: number, b: number): number {
  const decoded = decodeSegmentMasks(masks);
  let n = 0;
  for (const [sop, ma] of decoded.get(a) ?? []) {
    const mb = decoded.get(b)?.get(sop);
    if (mb) for (let i = 0; i < ma.length; i++) n += ma[i] & mb[i];
  }
  return n;
}

/** The slice holding every organ of the test with the most of the smallest one. */
function testSlice(truth: LabelVolume): number {
  let best = -1;
  let bestArea = 0;
  for (let z = 0; z < truth.slices; z++) {
    const smallest = Math.min(...ORGANS.map((n) => structureMask(truth, z, n).reduce((a, b) => a + b, 0)));
    if (smallest > bestArea) [best, bestArea] = [z, smallest];
  }
  if (best < 0) throw new Error('no slice holds every organ');
  return best;
}

describe('leaving with unsaved MedSAM segments asks first; a local draft brings them back', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let truth: LabelVolume;
  let slice: number;
  let sopUid: string;
  let studyUid: string;
  const art = new Artifacts('medsam-draft');

  const page = () => browser.page;

  /** Opens the study in the MedSAM mode (a fresh page load) with the test slice shown. */
  async function open(): Promise<{ imageId: string; viewportId: string }> {
    await openStudy(page(), stack.url, 'medsam', studyUid);
    await waitForRenderedImage(page(), { timeoutMs: 90_000 });
    await page().waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
    const imageId = await showInstance(page(), sopUid);
    const viewportId = await page().evaluate(() => (window as unknown as CommandWindow).services.viewportGridService.getActiveViewportId() as string);
    return { imageId, viewportId };
  }

  async function accept(at: { imageId: string; viewportId: string }, name: string, newSegment: boolean): Promise<number> {
    await waitForState(page(), "s.model.status === 'ready'", 180_000);
    const gt = maskBox(structureMask(truth, slice, name), truth.columns)!;
    const box = { x0: gt.x0 - 2, y0: gt.y0 - 2, x1: gt.x1 + 2, y1: gt.y1 + 2 };
    void run(page(), 'medsamSegmentBox', { ...at, box });
    const preview = await waitForState(page(), "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(preview.error).toBeNull();
    await page().waitForTimeout(1000); // a reader looks at the preview before accepting it
    await run(page(), 'medsamAccept', { newSegment });
    const accepted = await waitForState(page(), "s.result?.phase === 'accepted'", 10_000);
    await page().waitForTimeout(1500); // a reader's pause, as in the reading-session test
    return accepted.result!.segmentIndex!;
  }

  function segmentationIds(): Promise<string[]> {
    return page().evaluate(() => (window as unknown as CommandWindow).services.segmentationService.getSegmentations().map((s: { segmentationId: string }) => s.segmentationId));
  }

  /** Registered segments (OHIF's segmentation service): index → label. */
  function registered(segmentationId: string): Promise<Record<number, string>> {
    return page().evaluate((id) => {
      const segments = (window as unknown as CommandWindow).services.segmentationService.getSegmentation(id).segments as Record<string, { segmentIndex: number; label: string } | undefined>;
      return Object.fromEntries(Object.values(segments).filter(Boolean).map((s) => [s!.segmentIndex, s!.label]));
    }, segmentationId);
  }

  async function unsavedText(): Promise<string | null> {
    const el = await page().$('[data-cy="medsam-unsaved"]');
    return el ? ((await el.textContent()) ?? '').trim() : null;
  }

  /** Waits for the restore offer, checks its words, and answers it. */
  async function answerOffer(button: 'restore' | 'discard', segments: number): Promise<void> {
    const offer = await page().waitForSelector('[data-cy="medsam-draft-offer"]', { timeout: 60_000 });
    const text = (await offer.textContent()) ?? '';
    expect(text).toMatch(/^Restore the unsaved MedSAM segments from \d\d:\d\d\?/);
    expect(text).toContain(segments === 1 ? '1 segment:' : `${segments} segments:`);
    await art.screenshot(page(), `restore offer before ${button}`);
    await page().click(`[data-cy="medsam-draft-${button}"]`);
    await page().waitForSelector('[data-cy="medsam-draft-offer"]', { state: 'detached', timeout: 30_000 });
  }

  /** A reload that leaves whatever beforeunload asks (Playwright would otherwise dismiss it: stay). */
  async function reload(): Promise<string[]> {
    const dialogs: string[] = [];
    const onDialog = (d: import('playwright-core').Dialog) => {
      dialogs.push(d.type());
      void d.accept();
    };
    page().on('dialog', onDialog);
    try {
      await page().reload({ waitUntil: 'domcontentloaded' });
    } finally {
      page().off('dialog', onDialog);
    }
    await waitForRenderedImage(page(), { timeoutMs: 90_000 });
    return dialogs;
  }

  /** After the viewer is up and has had time to look: no offer, no draft of this study. */
  async function expectNoOffer(): Promise<void> {
    await page().waitForTimeout(3000);
    expect(await page().$('[data-cy="medsam-draft-offer"]')).toBeNull();
    expect((await storedDrafts(page())).filter((d) => d.key.startsWith(`${studyUid}|`))).toEqual([]);
  }

  beforeAll(async () => {
    const appConfigJs = medsamAppConfigJs(repoRoot, { modelManifestUrl: '/e2e-model/manifest.json', backends: ['wasm'], threads: 2 });
    stack = await startStack({ appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], logFile: art.file('stack.log') });
    truth = readPhantomLabels(path.join(stack.manifest.ctPhantomDir, 'phantom'));
    slice = testSlice(truth);
    const series = JSON.parse(fs.readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')) as { slices: { index: number; sopInstanceUid: string }[] };
    sopUid = series.slices.find((s) => s.index === slice)!.sopInstanceUid;
    studyUid = findStudy(stack.manifest, CT_PHANTOM).studyUid;
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  /** Every segment's own mask per slice, read before leaving: what a restore must give back. */
  let before: SegmentMasks;
  let segmentationId: string;

  it('two segments accepted are kept as a local draft while the reader works', async () => {
    const at = await open();
    const indices = [await accept(at, 'liver', false), await accept(at, 'spleen', true)];
    [segmentationId] = await segmentationIds();
    expect(indices).toEqual([1, 2]);
    before = await readSegmentMasks(page(), segmentationId);
    expect(Object.keys(before).sort()).toEqual(['1', '2']);
    const drafts = await waitForDrafts(page(), (d) => d.some((x) => x.segments.length === 2 && x.segments.every((s) => s.slices === 1)));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ segmentationId, segments: [{ segmentIndex: 1 }, { segmentIndex: 2 }] });
    expect(drafts[0].key).toBe(`${studyUid}|${drafts[0].key.split('|')[1]}|${segmentationId}`);
  });

  it("OHIF's back arrow asks first; Cancel stays in the viewer with every segment and voxel", async () => {
    const asked = new Promise<{ type: string; message: string }>((resolve) =>
      page().once('dialog', (d) => void d.dismiss().then(() => resolve({ type: d.type(), message: d.message() }))),
    );
    await page().click('[data-cy="return-to-work-list"]');
    expect(await asked).toEqual({ type: 'confirm', message: 'You have 2 MedSAM segments not saved to the PACS. Leave anyway?' });
    await page().waitForTimeout(1000);
    expect(new URL(page().url()).pathname).toBe('/medsam');
    expect(await registered(segmentationId)).toEqual({ 1: expect.any(String), 2: expect.any(String) });
    expect(await readSegmentMasks(page(), segmentationId)).toEqual(before);
    expect(await unsavedText()).toMatch(/^2 segments changed/);
  });

  it('OK leaves for the study list (no second prompt); the draft stays', async () => {
    const dialogs: string[] = [];
    const onDialog = (d: import('playwright-core').Dialog) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.accept();
    };
    page().on('dialog', onDialog);
    await page().click('[data-cy="return-to-work-list"]');
    await page().waitForURL((url) => url.pathname === '/', { timeout: 30_000 });
    await page().waitForSelector(`text=${CT_PHANTOM}`, { timeout: 60_000 });
    page().off('dialog', onDialog);
    expect(dialogs).toEqual(['confirm: You have 2 MedSAM segments not saved to the PACS. Leave anyway?']);
    expect((await storedDrafts(page())).map((d) => d.segmentationId)).toEqual([segmentationId]);
    await art.screenshot(page(), 'study list after leaving');
  });

  it('opening the study again offers the draft; Restore brings back every voxel and both segments', async () => {
    await open();
    await answerOffer('restore', 2);
    await page().waitForFunction((id) => !!(window as unknown as CommandWindow).services.segmentationService.getSegmentation(id), segmentationId, { timeout: 30_000 });
    expect(await segmentationIds()).toEqual([segmentationId]);
    expect(Object.keys(await registered(segmentationId)).map(Number)).toEqual([1, 2]);
    expect(await readSegmentMasks(page(), segmentationId)).toEqual(before);
    await page().waitForFunction(() => !!document.querySelector('[data-cy="medsam-unsaved"]'), null, { timeout: 10_000 });
    expect(await unsavedText()).toBe('2 segments changed since the last save: not in the PACS yet.');
    await art.screenshot(page(), 'restored');
  });

  it('more work after the restore (a lesion inside the liver, kept whole), then a reload: the page asks, and the draft comes back with it', async () => {
    const at = { imageId: await showInstance(page(), sopUid), viewportId: await page().evaluate(() => (window as unknown as CommandWindow).services.viewportGridService.getActiveViewportId() as string) };
    expect(await accept(at, 'liver_lesion', true)).toBe(3);
    before = await readSegmentMasks(page(), segmentationId);
    expect(shared(before, 1, 3)).toBeGreaterThan(0); // the liver keeps the lesion's voxels: overlap
    await waitForDrafts(page(), (d) => d.length === 1 && d[0].segmentationId === segmentationId && d[0].segments.length === 3);
    await page().mouse.click(5, 5); // Chromium asks before unload only after a user gesture on the page
    expect(await reload()).toEqual(['beforeunload']);
    await answerOffer('restore', 3);
    expect(Object.keys(await registered(segmentationId)).map(Number)).toEqual([1, 2, 3]);
    expect(await readSegmentMasks(page(), segmentationId)).toEqual(before);
  });

  it('Save stores every restored segment in the PACS and removes the draft; opening again offers nothing', async () => {
    await waitForState(page(), "s.job.status === 'idle'", 10_000);
    const outcome = (await run(page(), 'medsamSaveSegmentation', { segmentationId })) as SaveOutcomeView;
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, segmentationId });
    expect(outcome.segments!.map((s) => s.segmentIndex)).toEqual([1, 2, 3]);
    const file = art.file('restored.dcm');
    fs.writeFileSync(file, await fetchInstanceFile(stack.orthancUrl, outcome.sopInstanceUID!));
    const stored = readWithPydicom(file);
    const number = new Map(outcome.segments!.map((s) => [s.segmentIndex, s.segmentNumber]));
    expect(stored.segments.map((s) => s.number).sort()).toEqual([...number.values()].sort());
    for (const [index, bySop] of decodeSegmentMasks(before)) {
      const frames = stored.segmentFrames[String(number.get(index))];
      expect(Object.keys(frames).sort()).toEqual([...bySop.keys()].sort());
      for (const [sop, mask] of bySop) expect(frames[sop]).toEqual({ count: ones(mask), sha256: sha256(mask) });
    }
    expect(await unsavedText()).toBeNull();
    await waitForDrafts(page(), (d) => d.length === 0);
    await page().mouse.click(5, 5);
    expect(await reload()).toEqual([]); // nothing unsaved: no prompt
    await expectNoOffer();
  });

  it('Discard removes a draft: the next visit offers nothing', async () => {
    const at = await open();
    await accept(at, 'kidney_right', false);
    await waitForDrafts(page(), (d) => d.length === 1 && d[0].segments.length === 1);
    await reload();
    await answerOffer('discard', 1);
    expect(await segmentationIds()).toEqual([]);
    expect(await storedDrafts(page())).toEqual([]);
    await reload();
    await expectNoOffer();
  });
});
