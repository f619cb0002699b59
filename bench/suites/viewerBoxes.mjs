// Boxes in the real viewer (prebuilt OHIF, our bundles, Orthanc, Debian Chromium): the wait a reader sees
// (command → preview painted, and the panel's own mouse-up → painted figure) and the main thread's long tasks
// (PerformanceObserver 'longtask', > 50 ms) during each box. New-slice boxes need an embedding; same-slice
// boxes reuse it. Each preview is discarded (Esc), so every box starts from the same labelmap.
import path from 'node:path';
import { childMain, progress } from '../lib/child.mjs';
import { launchChromium } from '../lib/chromium.mjs';
import { repoRoot } from '../lib/paths.mjs';
import { figure, row } from '../lib/rows.mjs';
import { openCtPhantom, phantomSeries, showSlice, waitForModelReady, waitForShownSlice } from '../lib/viewerPage.mjs';

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

/** Waits for the first slice on screen (not for the model), then boxes it at once, as a reader would. */
async function firstBoxAfterOpening(page) {
  const target = await waitForShownSlice(page);
  return oneBox(page, { ...target, rect: { x0: 60, y0: 70, x1: 150, y1: 170 } });
}

/**
 * Issue 9: three boxes accepted as new segments on the current slice, then the quiet time in which the local
 * draft is written; returns the extension's accept steps and draft-read steps (User Timing), in ms.
 */
async function acceptsAndDraftWrites(page) {
  return page.evaluate(async () => {
    const w = window;
    const viewportId = w.services.viewportGridService.getActiveViewportId();
    const imageId = w.cornerstone.getEnabledElementByViewportId(viewportId).viewport.getCurrentImageId();
    const t0 = performance.now();
    const boxes = [{ x0: 60, y0: 70, x1: 150, y1: 170 }, { x0: 170, y0: 60, x1: 230, y1: 140 }, { x0: 90, y0: 110, x1: 130, y1: 150 }];
    for (const box of boxes) {
      await w.commandsManager.runCommand('medsamSegmentBox', { viewportId, imageId, box });
      w.commandsManager.runCommand('medsamAccept', { newSegment: true });
    }
    await new Promise((r) => setTimeout(r, 2500)); // the draft is written after 400 ms of quiet
    const since = (name) => performance.getEntriesByType('measure').filter((m) => m.name === `medsam:${name}` && m.startTime >= t0 - 1).map((m) => m.duration);
    return { accept: since('accept'), draft: since('draft') };
  });
}

/** Page coordinates of image pixels (x = column, y = row) in the viewport. */
function toPage(page, viewportId, imageId, points) {
  return page.evaluate(({ viewportId, imageId, points }) => {
    const w = window;
    const vp = w.cornerstone.getEnabledElementByViewportId(viewportId).viewport;
    const rect = vp.element.getBoundingClientRect();
    return points.map(([x, y]) => {
      const c = vp.worldToCanvas(w.cornerstone.utilities.imageToWorldCoords(imageId, [x, y]));
      return [rect.left + c[0], rect.top + c[1]];
    });
  }, { viewportId, imageId, points });
}

/**
 * Issue 13: a real mouse drag with the MedSAM box tool, 600 ms long: `endsStill` holds the last 150 ms still
 * (the live mask has decoded the final box by mouse-up), otherwise it moves until mouse-up. Returns the panel's
 * mouse-up → preview painted (the tool stamps mouse-up), and how many live frames were drawn on the way.
 */
async function oneDrag(page, target, rect, endsStill) {
  const [a, b] = await toPage(page, target.viewportId, target.imageId, [[rect.x0, rect.y0], [rect.x1, rect.y1]]);
  await page.mouse.move(a[0], a[1]);
  await page.mouse.down();
  const moving = endsStill ? 450 : 600;
  const steps = 30;
  const t0 = Date.now();
  for (let i = 1; i <= steps; i++) {
    const f = i / steps;
    // Overshoot and come back, so the box changes until the last step.
    const wobble = endsStill ? 0 : Math.sin(f * Math.PI * 3) * 6 * (1 - f);
    await page.mouse.move(a[0] + (b[0] - a[0]) * f + wobble, a[1] + (b[1] - a[1]) * f);
    const due = t0 + (moving * i) / steps;
    const left = due - Date.now();
    if (left > 0) await page.waitForTimeout(left);
  }
  if (endsStill) await page.waitForTimeout(150);
  // Is the live mask on screen before mouse-up? Preview voxels (255) in the slice's labelmap.
  const liveVoxels = await page.evaluate(({ imageId }) => {
    const w = window;
    let count = 0;
    for (const s of w.services.segmentationService.getSegmentations()) {
      for (const labelId of w.cornerstoneTools.segmentation.getLabelmapImageIdsForImageId(imageId, s.segmentationId) ?? []) {
        const data = w.cornerstone.cache.getImage(labelId)?.voxelManager.getScalarData() ?? [];
        for (let i = 0; i < data.length; i++) if (data[i] === 255) count++;
      }
    }
    return count;
  }, { imageId: target.imageId });
  await page.mouse.up();
  const r = await page.evaluate(async () => {
    const w = window;
    const state = () => w.commandsManager.runCommand('medsamGetState');
    for (;;) {
      const s = state();
      if (s.error) throw new Error(`drag failed: ${s.error.title}: ${s.error.detail}`);
      if (s.result?.phase === 'preview' && s.result.totalMs !== undefined && s.result.wait) return { panelMs: s.result.totalMs, wait: s.result.wait };
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  await page.evaluate(() => window.commandsManager.runCommand('medsamReject'));
  await page.waitForTimeout(300);
  return { ...r, liveVoxels };
}

export async function run({ boxesPerSlice = 3, slices = 3, withService = false, drags = 0 }) {
  const { startStack } = await import(path.join(repoRoot, 'scripts/demo/stack.mjs'));
  const stack = await startStack({ embeddingService: withService, log: () => {} });
  const browser = await launchChromium();
  const setup = withService ? 'service (auto)' : 'browser';
  try {
    const page = await browser.newPage();
    await page.addInitScript(observeLongTasks);
    await page.setViewportSize({ width: 1400, height: 900 });
    await openCtPhantom(page, stack);
    // Issue 9's "9.7 s first box": a box as soon as the slice is on screen, the model possibly still loading.
    const first = await firstBoxAfterOpening(page);
    progress(`${setup} first box after opening: ${Math.round(first.waited)} ms (panel ${Math.round(first.panelMs)} ms), long tasks ${first.longTasks.map(Math.round).join(', ') || 'none'}`);
    await waitForModelReady(page);
    const series = phantomSeries(stack);
    const picked = series.filter((_, i) => i % Math.max(1, Math.floor(series.length / (slices + 1))) === 0).slice(1, slices + 1);
    const samples = { newSlice: [], sameSlice: [] };
    for (const slice of picked) {
      const target = await showSlice(page, slice.sopInstanceUid);
      await page.waitForTimeout(500);
      for (let b = 0; b < boxesPerSlice; b++) {
        const rect = { x0: 60 + 6 * b, y0: 70 + 4 * b, x1: 150 + 3 * b, y1: 170 };
        const r = await oneBox(page, { ...target, rect });
        (b === 0 ? samples.newSlice : samples.sameSlice).push(r);
        progress(`${setup} slice ${slice.index} box ${b + 1}: ${Math.round(r.waited)} ms, long tasks ${r.longTasks.map(Math.round).join(', ') || 'none'}; ours ${r.own.map(Math.round).join(', ')}`);
      }
    }
    const drafts = await acceptsAndDraftWrites(page);
    progress(`${setup} 3 accepts as new segments: accept steps ${drafts.accept.map(Math.round).join(', ')} ms; draft steps ${drafts.draft.length} (longest ${Math.round(Math.max(0, ...drafts.draft))} ms)`);
    // Issue 13: scripted mouse drags on the last slice (its embedding is ready), after accepting one box so that
    // the live mask has a segmentation to draw into.
    const dragSamples = { still: [], moving: [] };
    if (drags > 0) {
      const target = await page.evaluate(() => {
        const w = window;
        const viewportId = w.services.viewportGridService.getActiveViewportId();
        const viewport = w.cornerstone.getEnabledElementByViewportId(viewportId).viewport;
        return { viewportId, imageId: viewport.getCurrentImageId() };
      });
      await page.evaluate(async ({ viewportId, imageId }) => {
        const w = window;
        await w.commandsManager.runCommand('medsamSegmentBox', { viewportId, imageId, box: { x0: 20, y0: 20, x1: 40, y1: 40 } });
        w.commandsManager.runCommand('medsamAccept', {});
      }, target);
      await page.click('[data-cy="MedSamBox"]').catch(() => undefined);
      for (let d = 0; d < drags; d++) {
        for (const endsStill of [true, false]) {
          const rect = { x0: 60 + 5 * d, y0: 70 + 3 * d, x1: 150 + 4 * d, y1: 172 - 2 * d };
          const r = await oneDrag(page, target, rect, endsStill);
          (endsStill ? dragSamples.still : dragSamples.moving).push(r);
          progress(`${setup} drag ${d + 1} (${endsStill ? 'ends still' : 'ends moving'}): mouse-up → preview ${Math.round(r.panelMs)} ms (inference ${Math.round(r.wait.inference ?? 0)} ms); live mask before mouse-up: ${r.liveVoxels} voxels`);
        }
      }
    }
    const rows = [];
    const at = (kind) => ({ suite: 'viewer', model: 'test-tiny', runtime: `OHIF viewer, ${setup}`, size: 256, stage: kind });
    rows.push(figure(at('first box after opening: command → preview painted'), first.waited, 'ms'));
    rows.push(figure(at("first box after opening: panel's mouse-up → painted"), first.panelMs, 'ms'));
    for (const [lap, ms] of Object.entries(first.wait ?? {})) rows.push(figure(at(`first box after opening: of which ${lap}`), ms, 'ms'));
    rows.push(figure(at('first box after opening: longest main-thread task'), first.longTasks.length ? Math.max(...first.longTasks) : 0, 'ms'));
    for (const [kind, list] of Object.entries(samples)) {
      if (!list.length) continue;
      const label = kind === 'newSlice' ? 'new slice' : 'same slice';
      rows.push(row(at(`${label}: command → preview painted`), list.map((r) => r.waited)));
      rows.push(row(at(`${label}: panel's mouse-up → painted`), list.map((r) => r.panelMs)));
      for (const lap of ['read', 'inference', 'draw']) rows.push(row(at(`${label}: of which ${lap}`), list.map((r) => r.wait?.[lap] ?? 0)));
      const tasks = list.flatMap((r) => r.longTasks);
      rows.push(figure(at(`${label}: long tasks (> 50 ms) per box`), tasks.length / list.length, 'count'));
      rows.push(figure(at(`${label}: longest main-thread task`), tasks.length ? Math.max(...tasks) : 0, 'ms'));
      const own = list.flatMap((r) => r.own);
      if (own.length) rows.push(row(at(`${label}: extension's own main-thread steps`), own));
    }
    if (drafts.accept.length) rows.push(row(at('accept as new segment: extension\'s own main-thread step'), drafts.accept));
    if (drafts.draft.length) rows.push(row(at('local draft written after the accepts: each main-thread step'), drafts.draft));
    for (const [kind, list] of Object.entries(dragSamples)) {
      if (!list.length) continue;
      const label = kind === 'still' ? '600 ms drag, last 150 ms still' : '600 ms drag, ends moving';
      rows.push(row(at(`${label}: mouse-up → preview painted`), list.map((r) => r.panelMs)));
      for (const lap of ['read', 'inference', 'draw']) rows.push(row(at(`${label}: of which ${lap}`), list.map((r) => r.wait[lap] ?? 0)));
      rows.push(figure(at(`${label}: drags with the live mask on screen before mouse-up`), list.filter((r) => r.liveVoxels > 0).length / list.length, 'fraction'));
    }
    return { rows, notes: { errors: browser.errors.slice(0, 20) } };
  } finally {
    await browser.close();
    await stack.stop();
  }
}

childMain(import.meta.url, run);
