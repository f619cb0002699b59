// The real viewer's page as the viewer suites drive it (prebuilt OHIF, our bundles, Orthanc, Debian Chromium):
// open the CT phantom in the MedSAM mode, wait for its first slice and for the model, show a slice.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const CT_PHANTOM = 'MedSAM demo: CT phantom';

/** Opens the demo stack's CT phantom study in the MedSAM mode. */
export function openCtPhantom(page, stack) {
  const study = stack.manifest.studies.find((s) => s.description === CT_PHANTOM);
  return page.goto(`${stack.url}/medsam?StudyInstanceUIDs=${study.studyUid}`);
}

/** The phantom series' slices ({ index, sopInstanceUid, ... }, as scripts/data writes series.json). */
export function phantomSeries(stack) {
  return JSON.parse(readFileSync(path.join(stack.manifest.ctPhantomDir, 'series.json'), 'utf8')).slices;
}

/** Waits for the first slice on screen (not for the model); → the active viewport and its shown image. */
export async function waitForShownSlice(page) {
  await page.waitForFunction(() => {
    const w = window;
    try {
      const viewportId = w.services.viewportGridService.getActiveViewportId();
      const viewport = w.cornerstone.getEnabledElementByViewportId(viewportId).viewport;
      const imageId = viewport.getCurrentImageId();
      return typeof w.commandsManager.runCommand === 'function' && Boolean(imageId && w.cornerstone.cache.getImage(imageId));
    } catch {
      return false; // the viewer is still starting
    }
  }, null, { timeout: 300_000 });
  return page.evaluate(() => {
    const w = window;
    const viewportId = w.services.viewportGridService.getActiveViewportId();
    return { viewportId, imageId: w.cornerstone.getEnabledElementByViewportId(viewportId).viewport.getCurrentImageId() };
  });
}

/** Waits until the MedSAM panel's model is loaded (medsamGetState().model.status 'ready'). */
export function waitForModelReady(page) {
  return page.waitForFunction(() => typeof window.commandsManager?.runCommand === 'function' && window.commandsManager.runCommand('medsamGetState')?.model?.status === 'ready', null, { timeout: 300_000 });
}

/** Shows the image of `sopInstanceUid` in the active viewport; → { viewportId, imageId }. */
export function showSlice(page, sopInstanceUid) {
  return page.evaluate((sop) => {
    const w = window;
    const viewportId = w.services.viewportGridService.getActiveViewportId();
    const viewport = w.cornerstone.getEnabledElementByViewportId(viewportId).viewport;
    const ids = viewport.getImageIds();
    const index = ids.findIndex((id) => id.includes(sop));
    viewport.setImageIdIndex(index);
    return { viewportId, imageId: ids[index] };
  }, sopInstanceUid);
}
