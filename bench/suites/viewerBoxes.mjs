// Boxes in the real viewer (prebuilt OHIF, our bundles, Orthanc, Debian Chromium): the wait a reader sees
// (command → preview painted, and the panel's own mouse-up → painted figure) and the main thread's long tasks
// (PerformanceObserver 'longtask', > 50 ms) during each box. New-slice boxes need an embedding; same-slice
// boxes reuse it. Each preview is discarded (Esc), so every box starts from the same labelmap.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { childMain, progress } from '../lib/child.mjs';
import { launchChromium } from '../lib/chromium.mjs';
import { repoRoot } from '../lib/paths.mjs';
import { figure, row } from '../lib/rows.mjs';

const CT_PHANTOM = 'MedSAM demo: CT phantom';

/** Installed before OHIF's scripts: every long task of the page, kept for the bench to read. */
function observeLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

async function oneBox(page, box) {
  return page.evaluate(async ({ viewportId, imageId, rect }) => {
    const w = window;
    const state = () => w.commandsManager.runCommand('medsamGetState');
    const t0 = performance.now();
    const from = w.__longTasks.length;
    void w.commandsManager.runCommand('medsamSegmentBox', { viewportId, imageId, box: rect });
    for (;;) {
      const s = state();
      if (s.error) throw new Error(`box failed: ${s.error.title}: ${s.error.detail}`);
      if (s.result?.phase === 'preview' && s.result.totalMs !== undefined && s.result.wait) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const waited = performance.now() - t0;
    const s = state();
    await new Promise((r) => setTimeout(r, 150)); // long tasks are reported after they end
    const tasks = w.__longTasks.slice(from).filter((t) => t.start >= t0 - 1);
    w.commandsManager.runCommand('medsamReject');
    // The extension's own main-thread steps (User Timing "medsam:*"), apart from the viewer's rendering.
    const own = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('medsam:') && m.startTime >= t0 - 1).map((m) => m.duration);
    return { waited, panelMs: s.result.totalMs, wait: s.result.wait, longTasks: tasks.map((t) => t.duration), own };
  }, box);
}

export async function run({ boxesPerSlice = 3, slices = 3, withService = false }) {
  const { startStack } = await import(path.join(repoRoot, 'scripts/demo/stack.mjs'));
  const stack = await startStack({ embeddingService: withService, log: () => {} });
  const browser = await launchChromium();
  const setup = withService ? 'service (auto)' : 'browser';
  try {
    const page = await browser.newPage();
    await page.addInitScript(observeLongTasks);
    await page.setViewportSize({ width: 1400, height: 900 });
    const study = stack.manifest.studies.find((s) => s.description === CT_PHANTOM);
    await page.goto(`${stack.url}/medsam?StudyInstanceUIDs=${study.studyUid}`);
    await page.waitForFunction(() => typeof window.commandsManager?.runCommand === 'function' && window.commandsManager.runCommand('medsamGetState')?.model?.status === 'ready', null, { timeout: 300_000 });
    const series = JSON.parse(readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8'));
    const picked = series.slices.filter((_, i) => i % Math.max(1, Math.floor(series.slices.length / (slices + 1))) === 0).slice(1, slices + 1);
    const samples = { newSlice: [], sameSlice: [] };
    for (const slice of picked) {
      const target = await page.evaluate((sop) => {
        const w = window;
        const viewportId = w.services.viewportGridService.getActiveViewportId();
        const viewport = w.cornerstone.getEnabledElementByViewportId(viewportId).viewport;
        const ids = viewport.getImageIds();
        const index = ids.findIndex((id) => id.includes(sop));
        viewport.setImageIdIndex(index);
        return { viewportId, imageId: ids[index] };
      }, slice.sopInstanceUid);
      await page.waitForTimeout(500);
      for (let b = 0; b < boxesPerSlice; b++) {
        const rect = { x0: 60 + 6 * b, y0: 70 + 4 * b, x1: 150 + 3 * b, y1: 170 };
        const r = await oneBox(page, { ...target, rect });
        (b === 0 ? samples.newSlice : samples.sameSlice).push(r);
        progress(`${setup} slice ${slice.index} box ${b + 1}: ${Math.round(r.waited)} ms, long tasks ${r.longTasks.map(Math.round).join(', ') || 'none'}; ours ${r.own.map(Math.round).join(', ')}`);
      }
    }
    const rows = [];
    const at = (kind) => ({ suite: 'viewer', model: 'test-tiny', runtime: `OHIF viewer, ${setup}`, size: 256, stage: kind });
    for (const [kind, list] of Object.entries(samples)) {
      if (!list.length) continue;
      const label = kind === 'newSlice' ? 'new slice' : 'same slice';
      rows.push(row(at(`${label}: command → preview painted`), list.map((r) => r.waited)));
      rows.push(row(at(`${label}: panel's mouse-up → painted`), list.map((r) => r.panelMs)));
      const tasks = list.flatMap((r) => r.longTasks);
      rows.push(figure(at(`${label}: long tasks (> 50 ms) per box`), tasks.length / list.length, 'count'));
      rows.push(figure(at(`${label}: longest main-thread task`), tasks.length ? Math.max(...tasks) : 0, 'ms'));
      const own = list.flatMap((r) => r.own);
      if (own.length) rows.push(row(at(`${label}: extension's own main-thread steps`), own));
    }
    return { rows, notes: { errors: browser.errors.slice(0, 20) } };
  } finally {
    await browser.close();
    await stack.stop();
  }
}

childMain(import.meta.url, run);
