// Steps the embedding-service e2e test needs beyond medsamPage.ts: the tool made passive (no background
// embeddings), a box through the medsamSegmentBox command, the first viewport's id.
import type { Page } from 'playwright-core';
import type { ImageBox } from './medsamPage';

type W = {
  services: { cornerstoneViewportService: { getViewportIds(): string[] } };
  cornerstoneTools: { ToolGroupManager: { getToolGroupForViewport(id: string): { setToolPassive(name: string): void; getActivePrimaryMouseButtonTool(): string | undefined } | undefined } };
  commandsManager: { runCommand(name: string, options?: object): unknown };
};

export function firstViewportId(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as W).services.cornerstoneViewportService.getViewportIds()[0]);
}

/** MedSAM's tool stops being the primary tool: the prefetcher then leaves the service alone. */
export async function makeBoxToolPassive(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as W;
    const id = w.services.cornerstoneViewportService.getViewportIds()[0];
    w.cornerstoneTools.ToolGroupManager.getToolGroupForViewport(id)!.setToolPassive('MedSamBox');
  });
}

/** A box through the extension's command (what another extension would do); resolves when it has settled. */
export async function segmentBoxByCommand(page: Page, viewportId: string, imageId: string, box: ImageBox): Promise<void> {
  await page.evaluate(
    async ([viewport, image, b]) => {
      await (window as unknown as W).commandsManager.runCommand('medsamSegmentBox', { viewportId: viewport, imageId: image, box: b });
    },
    [viewportId, imageId, box] as const,
  );
}

export function runCommand(page: Page, name: string, options: object = {}): Promise<unknown> {
  return page.evaluate(([n, o]) => (window as unknown as W).commandsManager.runCommand(n, o), [name, options] as const);
}

/** Fails a test that waits for something that never comes, with a name, instead of jest's bare timeout. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
