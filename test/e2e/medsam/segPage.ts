// DICOM-SEG in the OHIF page: saving through the MedSAM panel, the save state, every labelmap voxel of a
// segmentation read back through cornerstone, and loading a stored SEG series the way a user does.
import type { Page } from 'playwright-core';

/** The subset of the extension's save state (extensions/medsam/src/store/saveState.ts) the tests read. */
export interface SaveOutcomeView {
  ok: boolean;
  segmentationId: string | null;
  studyInstanceUID?: string;
  seriesInstanceUID?: string;
  sopInstanceUID?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  seriesDescription?: string;
  segments?: { segmentIndex: number; segmentNumber: number; label: string; algorithmType: string }[];
  frames?: number;
  repeated?: boolean;
  warning?: string;
  ms?: number;
  error?: { code: string; title: string; detail: string; advice: string };
}

export interface SaveStateView {
  status: string;
  startedAt: number | null;
  last: SaveOutcomeView | null;
}

type CommandWindow = { commandsManager: { runCommand(n: string, o?: object): unknown } };

export function saveState(page: Page): Promise<SaveStateView> {
  return page.evaluate(() => (window as unknown as CommandWindow).commandsManager.runCommand('medsamGetSaveState') as SaveStateView);
}

/** Clicks "Save to PACS" in the MedSAM panel and waits until that save has finished. */
export async function saveFromPanel(page: Page, timeoutMs = 60_000): Promise<SaveOutcomeView> {
  const before = await saveState(page);
  await page.click('[data-cy="medsam-save-button"]');
  await page.waitForFunction(
    (previous) => {
      const s = (window as unknown as CommandWindow).commandsManager.runCommand('medsamGetSaveState') as SaveStateView;
      return s.status !== 'saving' && s.startedAt !== previous;
    },
    before.startedAt,
    { timeout: timeoutMs, polling: 100 },
  );
  const after = await saveState(page);
  return after.last!;
}

/** sopInstanceUID → the slice's labels (base64 of a rows×columns Uint8Array), for slices with any voxel. */
export interface SegmentationVoxels {
  segmentationId: string;
  sourceImages: number;
  slices: Record<string, string>;
}

/**
 * Every voxel of a segmentation, over every image of the series it lies on: through OHIF's segmentation
 * service (which segmentations exist) and cornerstone (labelmap images per source image, in every layer).
 */
export function readSegmentationVoxels(page: Page, segmentationId: string): Promise<SegmentationVoxels> {
  return page.evaluate((id) => {
    const w = window as unknown as { services: any; cornerstone: any; cornerstoneTools: any };
    const segmentation = w.services.segmentationService.getSegmentation(id);
    if (!segmentation) throw new Error(`no segmentation ${id}`);
    const data = segmentation.representationData.Labelmap;
    const labelIds: string[] = [
      ...(data.imageIds ?? []),
      ...Object.values((data.labelmaps ?? {}) as Record<string, { imageIds?: string[] }>).flatMap((l) => l.imageIds ?? []),
    ];
    const sources = new Set<string>();
    for (const labelId of labelIds) {
      const ref = w.cornerstone.cache.getImage(labelId)?.referencedImageId;
      if (ref) sources.add(ref);
    }
    const slices: Record<string, string> = {};
    for (const sourceId of sources) {
      const layers: string[] = w.cornerstoneTools.segmentation.getLabelmapImageIdsForImageId(sourceId, id) ?? [];
      let merged: Uint8Array | null = null;
      for (const layerId of layers) {
        const values = w.cornerstone.cache.getImage(layerId).voxelManager.getScalarData() as ArrayLike<number>;
        merged ??= new Uint8Array(values.length);
        for (let i = 0; i < values.length; i++) {
          if (values[i] === 0) continue;
          if (merged[i] !== 0 && merged[i] !== values[i]) throw new Error(`layers disagree at voxel ${i} of ${sourceId}`);
          merged[i] = values[i];
        }
      }
      if (!merged || !merged.some((v) => v !== 0)) continue;
      const sop = w.cornerstone.metaData.get('instance', sourceId)?.SOPInstanceUID as string;
      let binary = '';
      for (let i = 0; i < merged.length; i++) binary += String.fromCharCode(merged[i]);
      slices[sop] = btoa(binary);
    }
    return { segmentationId: id, sourceImages: sources.size, slices };
  }, segmentationId);
}

export function decodeSlices(v: SegmentationVoxels): Map<string, Uint8Array> {
  return new Map(Object.entries(v.slices).map(([sop, b64]) => [sop, new Uint8Array(Buffer.from(b64, 'base64'))]));
}

export function segmentationIds(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).services.segmentationService.getSegmentations().map((s: { segmentationId: string }) => s.segmentationId));
}

/** Waits until OHIF has a display set for the series (lazy study loading adds them as metadata arrives). */
export async function waitForDisplaySet(page: Page, seriesInstanceUID: string, timeoutMs = 60_000): Promise<{ displaySetInstanceUID: string; Modality: string; SeriesNumber: number; SeriesDescription: string }> {
  await page.waitForFunction(
    (uid) => (window as any).services.displaySetService.getActiveDisplaySets().some((d: { SeriesInstanceUID: string }) => d.SeriesInstanceUID === uid),
    seriesInstanceUID,
    { timeout: timeoutMs, polling: 250 },
  );
  return page.evaluate((uid) => {
    const d = (window as any).services.displaySetService.getActiveDisplaySets().find((x: { SeriesInstanceUID: string }) => x.SeriesInstanceUID === uid);
    return { displaySetInstanceUID: d.displaySetInstanceUID, Modality: d.Modality, SeriesNumber: d.SeriesNumber, SeriesDescription: d.SeriesDescription };
  }, seriesInstanceUID);
}

/**
 * Loads a SEG as a user does: double-click its thumbnail in the study browser, answer "Yes" to OHIF's
 * "open this segmentation?" prompt, and wait until the segmentation service has it (its id is the SEG
 * display set's UID).
 */
export async function loadSegFromStudyBrowser(page: Page, displaySetInstanceUID: string, timeoutMs = 60_000): Promise<void> {
  const thumbnail = page.locator(`[id="thumbnail-${displaySetInstanceUID}"]`);
  await thumbnail.scrollIntoViewIfNeeded();
  await thumbnail.dblclick();
  const yes = page.getByRole('button', { name: 'Yes' });
  await yes.waitFor({ timeout: timeoutMs });
  await yes.click();
  await page.waitForFunction((id) => (window as any).services.segmentationService.getSegmentation(id) !== undefined, displaySetInstanceUID, { timeout: timeoutMs, polling: 250 });
}

/** segment index → sopInstanceUID → that segment's own 0/1 mask (base64), for slices where it has voxels. */
export type SegmentMasks = Record<string, Record<string, string>>;

/**
 * Every voxel of every segment, each whole even where segments overlap: walks every labelmap layer over every
 * source image and maps each layer's values to segments through cornerstone's segment bindings (without
 * bindings, cornerstone 4, a value is the segment index).
 */
export function readSegmentMasks(page: Page, segmentationId: string): Promise<SegmentMasks> {
  return page.evaluate((id) => {
    const w = window as unknown as { cornerstone: any; cornerstoneTools: any };
    const segmentation = w.cornerstoneTools.segmentation.state.getSegmentation(id);
    if (!segmentation) throw new Error(`no segmentation ${id}`);
    const data = segmentation.representationData.Labelmap;
    const layers: Record<string, { imageIds?: string[] }> = data.labelmaps ?? { primary: { imageIds: data.imageIds ?? [] } };
    const bindings: Record<string, { labelmapId: string; labelValue: number }> = data.segmentBindings ?? {};
    const segmentOf = (layerId: string, value: number): number => {
      const bound = Object.entries(bindings).find(([, b]) => b.labelmapId === layerId && b.labelValue === value);
      return bound ? Number(bound[0]) : value;
    };
    const masks: Record<string, Record<string, Uint8Array>> = {};
    for (const [layerId, layer] of Object.entries(layers)) {
      for (const labelId of layer.imageIds ?? []) {
        const image = w.cornerstone.cache.getImage(labelId);
        if (!image) continue;
        const values = image.voxelManager.getScalarData() as ArrayLike<number>;
        const sop = w.cornerstone.metaData.get('instance', image.referencedImageId)?.SOPInstanceUID as string;
        for (let i = 0; i < values.length; i++) {
          if (values[i] === 0 || values[i] === 255) continue; // 255: an undecided preview
          const segment = String(segmentOf(layerId, values[i]));
          const bySop = (masks[segment] ??= {});
          (bySop[sop] ??= new Uint8Array(values.length))[i] = 1;
        }
      }
    }
    const out: Record<string, Record<string, string>> = {};
    for (const [segment, bySop] of Object.entries(masks)) {
      out[segment] = {};
      for (const [sop, mask] of Object.entries(bySop)) {
        let binary = '';
        for (let i = 0; i < mask.length; i++) binary += String.fromCharCode(mask[i]);
        out[segment][sop] = btoa(binary);
      }
    }
    return out;
  }, segmentationId);
}

export function decodeSegmentMasks(masks: SegmentMasks): Map<number, Map<string, Uint8Array>> {
  return new Map(Object.entries(masks).map(([segment, bySop]) => [Number(segment), decodeSlices({ segmentationId: '', sourceImages: 0, slices: bySop })]));
}
