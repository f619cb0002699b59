// Driving the MedSAM extension inside the OHIF page: its state (medsamGetState), the box tool, slices,
// and the labelmap voxels read back through OHIF's segmentation service and cornerstone's cache.
import type { Page } from 'playwright-core';

export interface ImageBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The subset of the extension's state (extensions/medsam/src/controller/state.ts) the tests read. */
export interface MedSamStateView {
  model: { status: string; info?: { backend: string; threads: number; crossOriginIsolated: boolean; name: string }; error?: { title: string; detail: string } };
  job: { status: string };
  result: null | { phase: string; imageId: string; box: ImageBox; areaPixels: number; areaMm2: number | null; segmentationId: string; segmentIndex: number | null; totalMs: number; timings: Record<string, number>; overlaps?: { segmentIndex: number; label: string; pixels: number }[]; overlap?: string };
  error: null | { code: string; title: string; detail: string };
}

export interface LabelmapReadback {
  segmentations: { segmentationId: string; segments: number[] }[];
  /** Voxel values of the labelmap slice over the image, for the first segmentation (empty when none). */
  voxels: number[];
}

export function medsamState(page: Page): Promise<MedSamStateView> {
  return page.evaluate(() => (window as unknown as { commandsManager: { runCommand(n: string): unknown } }).commandsManager.runCommand('medsamGetState') as MedSamStateView);
}

export async function waitForState(page: Page, predicate: string, timeoutMs: number): Promise<MedSamStateView> {
  await page.waitForFunction(
    (body) => {
      const state = (window as unknown as { commandsManager: { runCommand(n: string): unknown } }).commandsManager.runCommand('medsamGetState');
      return new Function('s', `return (${body});`)(state);
    },
    predicate,
    { timeout: timeoutMs, polling: 100 },
  );
  return medsamState(page);
}

/** Shows the image of a SOP instance in the first viewport; returns its imageId. */
export async function showInstance(page: Page, sopUid: string): Promise<string> {
  const imageId = await page.evaluate(async (uid) => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[]; getCornerstoneViewport(id: string): any } } };
    const svc = w.services.cornerstoneViewportService;
    const vp = svc.getCornerstoneViewport(svc.getViewportIds()[0]);
    const index = (vp.getImageIds() as string[]).findIndex((id) => id.includes(`/instances/${uid}/`) || id.includes(uid));
    if (index < 0) throw new Error(`instance ${uid} is not in the viewport's stack`);
    await vp.setImageIdIndex(index);
    vp.render();
    return vp.getImageIds()[index] as string;
  }, sopUid);
  await page.waitForFunction((id) => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[]; getCornerstoneViewport(id: string): any } } };
    const svc = w.services.cornerstoneViewportService;
    return svc.getCornerstoneViewport(svc.getViewportIds()[0]).getCurrentImageId() === id;
  }, imageId);
  await page.waitForTimeout(300);
  return imageId;
}

/** Page (CSS pixel) coordinates of image pixel positions (x = column, y = row) in the first viewport. */
export function imageToPage(page: Page, imageId: string, points: [number, number][], viewportId?: string): Promise<[number, number][]> {
  return page.evaluate(
    ([id, pts, viewport]) => {
      const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[]; getCornerstoneViewport(id: string): any } }; cornerstone: any };
      const svc = w.services.cornerstoneViewportService;
      const vp = svc.getCornerstoneViewport(viewport ?? svc.getViewportIds()[0]);
      const rect = vp.element.getBoundingClientRect();
      return pts.map(([x, y]) => {
        const world = w.cornerstone.utilities.imageToWorldCoords(id, [x, y]);
        const canvas = vp.worldToCanvas(world);
        return [rect.left + canvas[0], rect.top + canvas[1]] as [number, number];
      });
    },
    [imageId, points, viewportId] as const,
  );
}

/** A mouse drag from one image position to another, as a user draws a box. */
/** `beforeRelease`: runs while the mouse is held still at the box's last corner (a drag that ends still). */
export async function dragBox(page: Page, imageId: string, box: ImageBox, viewportId?: string, options: { beforeRelease?: () => Promise<void> } = {}): Promise<void> {
  const [a, b] = await imageToPage(
    page,
    imageId,
    [
      [box.x0, box.y0],
      [box.x1, box.y1],
    ],
    viewportId,
  );
  await page.mouse.move(a[0], a[1]);
  await page.mouse.down();
  await page.mouse.move((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, { steps: 4 });
  await page.mouse.move(b[0], b[1], { steps: 4 });
  await options.beforeRelease?.();
  await page.mouse.up();
}

export async function selectBoxTool(page: Page): Promise<void> {
  await page.click('[data-cy="MedSamBox"]');
  await page.waitForFunction(() => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[] } }; cornerstoneTools: any };
    const id = w.services.cornerstoneViewportService.getViewportIds()[0];
    return w.cornerstoneTools.ToolGroupManager.getToolGroupForViewport(id)?.getActivePrimaryMouseButtonTool() === 'MedSamBox';
  });
}

/** Every segmentation with its segment indices, and the voxels over `imageId` of the first one. */
export function readLabelmap(page: Page, imageId: string): Promise<LabelmapReadback> {
  return page.evaluate((id) => {
    const w = window as unknown as { services: { segmentationService: { getSegmentations(): any[] } }; cornerstone: any; cornerstoneTools: any };
    const segmentations = w.services.segmentationService.getSegmentations().map((s) => ({
      segmentationId: s.segmentationId as string,
      segments: Object.keys(s.segments).map(Number),
    }));
    let voxels: number[] = [];
    if (segmentations.length) {
      const labelIds: string[] = w.cornerstoneTools.segmentation.getLabelmapImageIdsForImageId(id, segmentations[0].segmentationId) ?? [];
      const image = labelIds.length ? w.cornerstone.cache.getImage(labelIds[0]) : undefined;
      if (image) voxels = Array.from(image.voxelManager.getScalarData() as ArrayLike<number>);
    }
    return { segmentations, voxels };
  }, imageId);
}

/** Zooms the first viewport out (factor > 1) so that a margin shows around the image; resets with factor 0. */
export async function zoomOut(page: Page, factor: number): Promise<void> {
  await page.evaluate((f) => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[]; getCornerstoneViewport(id: string): any } } };
    const svc = w.services.cornerstoneViewportService;
    const vp = svc.getCornerstoneViewport(svc.getViewportIds()[0]);
    if (f === 0) vp.resetCamera();
    else vp.setCamera({ parallelScale: vp.getCamera().parallelScale * f });
    vp.render();
  }, factor);
  await page.waitForTimeout(300);
}

/** The image column just inside the first viewport's left edge (the black margin left of a fitted image). */
export function leftMarginColumn(page: Page, imageId: string, insetPx = 8): Promise<number> {
  return page.evaluate(
    ([id, inset]) => {
      const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[]; getCornerstoneViewport(id: string): any } }; cornerstone: any };
      const svc = w.services.cornerstoneViewportService;
      const vp = svc.getCornerstoneViewport(svc.getViewportIds()[0]);
      const world = vp.canvasToWorld([inset, vp.element.clientHeight / 2]);
      return w.cornerstone.utilities.worldToImageCoords(id, world)[0] as number;
    },
    [imageId, insetPx] as const,
  );
}

/** Switches to OHIF's MPR layout (volume viewports) and shows `imageId` in the axial one; returns viewport ids. */
export async function showInMpr(page: Page, imageId: string): Promise<string[]> {
  await page.evaluate(() => (window as unknown as { commandsManager: { runCommand(n: string, o: object): unknown } }).commandsManager.runCommand('setHangingProtocol', { protocolId: 'mpr' }));
  await page.waitForFunction(() => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[]; getCornerstoneViewport(id: string): any } } };
    const svc = w.services.cornerstoneViewportService;
    const ids = svc.getViewportIds();
    return ids.length === 3 && ids.every((id) => svc.getCornerstoneViewport(id)?.type === 'orthographic' && !!svc.getCornerstoneViewport(id).getImageData?.());
  }, null, { timeout: 60_000 });
  const ids = await page.evaluate(async (target) => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[]; getCornerstoneViewport(id: string): any } }; cornerstone: any };
    const svc = w.services.cornerstoneViewportService;
    const axial = svc.getCornerstoneViewport('mpr-axial');
    const imageIds = w.cornerstone.cache.getVolume(axial.getVolumeId()).imageIds as string[];
    const k = imageIds.indexOf(target);
    // The slice index counts along the view direction, which may run against the volume's image order.
    for (const imageIndex of [k, imageIds.length - 1 - k]) {
      await w.cornerstone.utilities.jumpToSlice(axial.element, { imageIndex });
      axial.render();
      if (axial.getCurrentImageId() === target) break;
    }
    return svc.getViewportIds();
  }, imageId);
  await page.waitForFunction((target) => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getCornerstoneViewport(id: string): any } } };
    return w.services.cornerstoneViewportService.getCornerstoneViewport('mpr-axial').getCurrentImageId() === target;
  }, imageId, { timeout: 10_000 });
  await page.waitForTimeout(500);
  return ids;
}

/** A drag between two points given as fractions of a viewport's width and height. */
export async function dragInViewport(page: Page, viewportId: string, from: [number, number], to: [number, number]): Promise<void> {
  const rect = await page.evaluate((id) => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getCornerstoneViewport(id: string): any } } };
    const r = w.services.cornerstoneViewportService.getCornerstoneViewport(id).element.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height];
  }, viewportId);
  const at = ([fx, fy]: [number, number]) => [rect[0] + fx * rect[2], rect[1] + fy * rect[3]] as const;
  const [a, b] = [at(from), at(to)];
  // OHIF makes a viewport active on the first click into it; a click without movement draws no box.
  await page.mouse.click(...at([0.5, 0.03]));
  await page.mouse.move(a[0], a[1]);
  await page.mouse.down();
  await page.mouse.move(b[0], b[1], { steps: 6 });
  await page.mouse.up();
}
