// A reader's measurement in the MedSAM mode: pick a tool from the toolbar's "Measure" group and draw it with the
// mouse; read back what OHIF's tool stored, in image pixels as the extension reads it (measurementOnImage.ts).
import type { Page } from 'playwright-core';
import { imageToPage } from './medsamPage';

/** The toolbar group the MedSAM mode adds (extensions/medsam/src/toolbarButtons.ts). */
export const MEASURE_GROUP = 'MedSamMeasure';

export interface DrawnMeasurement {
  readonly annotationUID: string;
  /** Its handles in image pixels, pixel centres at integers (x = column, y = row). */
  readonly points: [number, number][];
}

/** The tool active on the primary mouse button in the first viewport's tool group. */
function primaryTool(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[] } }; cornerstoneTools: any };
    const id = w.services.cornerstoneViewportService.getViewportIds()[0];
    return w.cornerstoneTools.ToolGroupManager.getToolGroupForViewport(id)?.getActivePrimaryMouseButtonTool() as string | undefined;
  });
}

/** Clicks a tool in the Measure group (its shown button, or its entry in the group's list) and waits until it is primary. */
export async function selectMeasureTool(page: Page, tool: string): Promise<void> {
  const primary = page.locator(`[data-cy="${MEASURE_GROUP}-split-button-primary"]`);
  await primary.waitFor({ timeout: 10_000 });
  if ((await primary.getAttribute('data-tool')) === tool) await primary.locator('button').first().click();
  else {
    await page.locator(`[data-cy="${MEASURE_GROUP}-split-button-secondary"] button`).first().click();
    await page.locator(`[data-cy="${tool}"]`).first().click();
  }
  await page.waitForFunction(
    (name) => {
      const w = window as unknown as { services: { cornerstoneViewportService: { getViewportIds(): string[] } }; cornerstoneTools: any };
      const id = w.services.cornerstoneViewportService.getViewportIds()[0];
      return w.cornerstoneTools.ToolGroupManager.getToolGroupForViewport(id)?.getActivePrimaryMouseButtonTool() === name;
    },
    tool,
    { timeout: 10_000 },
  );
  if ((await primaryTool(page)) !== tool) throw new Error(`${tool} did not become the active tool`);
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.mouse.move(from[0], from[1]);
  await page.mouse.down();
  await page.mouse.move((from[0] + to[0]) / 2, (from[1] + to[1]) / 2, { steps: 5 });
  await page.mouse.move(to[0], to[1], { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(200);
}

/** The newest annotation of a tool on an image, its handles in image pixels (pixel centres at integers). */
export function readMeasurement(page: Page, imageId: string, toolName: string): Promise<DrawnMeasurement | null> {
  return page.evaluate(
    ([id, name]) => {
      const w = window as unknown as { cornerstone: any; cornerstoneTools: any };
      const all = (w.cornerstoneTools.annotation.state.getAllAnnotations() ?? []) as { annotationUID: string; metadata: { toolName: string; referencedImageId?: string }; data: { handles: { points: number[][] } } }[];
      const mine = all.filter((a) => a.metadata.toolName === name && a.metadata.referencedImageId === id);
      const a = mine[mine.length - 1];
      if (!a) return null;
      const points = a.data.handles.points.map((p) => {
        const [x, y] = w.cornerstone.utilities.worldToImageCoords(id, p) as number[];
        return [x - 0.5, y - 0.5] as [number, number];
      });
      return { annotationUID: a.annotationUID, points };
    },
    [imageId, toolName] as const,
  );
}

/**
 * A Bidirectional measurement drawn as a reader does: one drag along the long axis (the tool then puts a short
 * axis across its middle), a second drag that pulls the upper end of the short axis to `shortAxisEnd`. Points in
 * image pixels (pixel centres at integers).
 */
export async function drawBidirectional(page: Page, imageId: string, longAxis: [[number, number], [number, number]], shortAxisEnd: [number, number]): Promise<DrawnMeasurement> {
  const toPage = async (p: [number, number]) => (await imageToPage(page, imageId, [[p[0] + 0.5, p[1] + 0.5]]))[0];
  await drag(page, await toPage(longAxis[0]), await toPage(longAxis[1]));
  const drawn = await readMeasurement(page, imageId, 'Bidirectional');
  if (!drawn || drawn.points.length !== 4) throw new Error(`the long-axis drag drew no Bidirectional measurement: ${JSON.stringify(drawn)}`);
  // The short axis' upper end (smaller row): handle 2 or 3, whichever the tool put there.
  const upper = drawn.points[2][1] <= drawn.points[3][1] ? drawn.points[2] : drawn.points[3];
  await drag(page, await toPage(upper), await toPage(shortAxisEnd));
  const adjusted = await readMeasurement(page, imageId, 'Bidirectional');
  if (!adjusted || adjusted.annotationUID !== drawn.annotationUID) throw new Error('the short-axis drag started another measurement instead of moving the handle');
  return adjusted;
}

/** The box the extension makes from a Bidirectional measurement: its points' bounding box + a tenth of its longer side (≥ 3 px). */
export function bidirectionalBox(points: [number, number][]): { x0: number; y0: number; x1: number; y1: number; margin: number } {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const margin = Math.max(3, 0.1 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)));
  return { x0: Math.min(...xs) - margin, y0: Math.min(...ys) - margin, x1: Math.max(...xs) + margin, y1: Math.max(...ys) + margin, margin };
}
