// "Segment in 3D" in the OHIF page and its command-line twin: the 3D state (medsamGet3dState), MedSAM commands,
// the preview's voxels by SOP instance, and `medsam segment3d` on the same runtime (WASM) with its NIfTI output.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { PANEL_ID } from '../../../extensions/medsam/src/id';
import { decodeSlices, readSegmentationVoxels } from './segPage';

export type CommandWindow = { commandsManager: { runCommand(name: string, options?: Record<string, unknown>): unknown }; services: { viewportGridService: { getActiveViewportId(): string } } };

/** The subset of the 3D state (extensions/medsam/src/volume3d/state.ts) the tests read. */
export interface Volume3dView {
  marks: { first: number | null; last: number | null; firstImageId?: string | null; lastImageId?: string | null };
  keys: { collecting: boolean; boxes: { imageId: string; slice: number; box: { x0: number; y0: number; x1: number; y1: number } }[] };
  run: { status: string; done?: number; planned?: number };
  result: null | {
    phase: string;
    mode: string;
    keySlice: number;
    box: { x0: number; y0: number; x1: number; y1: number };
    keySlices?: number[];
    range: [number, number] | null;
    slices: { slice: number; imageId: string; areaPixels: number }[];
    extent: [number, number] | null;
    voxels: number;
    volumeMl: number | null;
    stops: { up: string; down: string };
    cancelled: boolean;
    totalMs: number;
    segmentationId: string;
    segmentIndex: number | null;
  };
  error: null | { title: string; detail: string };
}

export function runCommand(page: Page, name: string, options: Record<string, unknown> = {}): Promise<unknown> {
  return page.evaluate(([n, o]) => (window as unknown as CommandWindow).commandsManager.runCommand(n as string, o as Record<string, unknown>), [name, options] as const);
}

export async function waitFor3d(page: Page, predicate: string, timeoutMs: number): Promise<Volume3dView> {
  await page.waitForFunction(
    (body) => new Function('s', `return (${body});`)((window as unknown as CommandWindow).commandsManager.runCommand('medsamGet3dState')),
    predicate,
    { timeout: timeoutMs, polling: 100 },
  );
  return (await runCommand(page, 'medsamGet3dState')) as Volume3dView;
}

/** OHIF shows its own segmentation panel when a segmentation appears; the reader goes back to MedSAM's tab. */
export async function showMedsamPanel(page: Page): Promise<void> {
  await page.evaluate((id) => (window as unknown as { services: { panelService: { activatePanel(id: string, force?: boolean): void } } }).services.panelService.activatePanel(id, true), PANEL_ID);
  await page.waitForSelector('[data-cy="medsam-panel"]', { timeout: 30_000 });
}

/** Clears the range marked with [ and ] (the panel's "Clear range"), if there is one. */
export async function clearRange(page: Page): Promise<void> {
  await showMedsamPanel(page);
  const button = page.locator('[data-cy="medsam-3d-clear-range"]');
  if (await button.count()) await button.click();
  await waitFor3d(page, 's.marks.first === null && s.marks.last === null', 5_000);
}

/** The preview (label 255) on every slice that holds it, as 0/1 masks by SOP instance UID. */
export async function previewMasks(page: Page, segmentationId: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const [sop, values] of decodeSlices(await readSegmentationVoxels(page, segmentationId))) {
    const mask = Uint8Array.from(values, (v) => (v === 255 ? 1 : 0));
    if (mask.some((v) => v)) out.set(sop, mask);
  }
  return out;
}

/** An uncompressed uint8 NIfTI-1 volume as `medsam segment3d` writes it: slice k's rows × columns at k · rows · columns. */
export function readNiftiUint8(file: string): { columns: number; rows: number; slices: number; voxels: Uint8Array } {
  const buf = fs.readFileSync(file);
  const [, columns, rows, slices] = Array.from({ length: 4 }, (_, i) => buf.readInt16LE(40 + 2 * i));
  if (buf.readInt16LE(70) !== 2) throw new Error(`${file}: expected uint8 voxels (datatype 2)`);
  const offset = buf.readFloatLE(108);
  return { columns, rows, slices, voxels: new Uint8Array(buf.buffer, buf.byteOffset + offset, columns * rows * slices) };
}

export const sha256 = (a: Uint8Array) => createHash('sha256').update(a).digest('hex');
export const ones = (a: Uint8Array) => a.reduce((n, v) => n + v, 0);

/** `medsam segment3d` on a DICOM series with onnxruntime WASM (the browser's runtime), 2 threads; `prompt` are its prompt options. */
export async function cliSegment3d(repoRoot: string, o: { model: string; series: string; prompt: string[]; out: string; summary: string }): Promise<ReturnType<typeof readNiftiUint8>> {
  await promisify(execFile)(
    process.execPath,
    [path.join(repoRoot, 'core/dist/medsam.cjs'), 'segment3d', '--model', o.model, '--series', o.series, ...o.prompt, '--backend', 'wasm', '--threads', '2', '--out', o.out, '--summary', o.summary],
    { cwd: repoRoot, maxBuffer: 16 << 20 },
  );
  return readNiftiUint8(o.out);
}

/**
 * Slices of a CLI mask volume that differ from the viewer's masks (by SOP instance), in words. `cliSliceOf`
 * maps the series index of a SOP to the CLI's slice (the CLI counts along the normal, the series may not).
 */
export function differingSlices(cli: ReturnType<typeof readNiftiUint8>, sops: readonly string[], viewer: Map<string, Uint8Array>, cliSliceOf: (k: number) => number): string[] {
  const n = cli.rows * cli.columns;
  const differing: string[] = [];
  sops.forEach((sop, k) => {
    const c = cliSliceOf(k);
    const fromCli = Uint8Array.from(cli.voxels.subarray(c * n, (c + 1) * n));
    const fromViewer = viewer.get(sop) ?? new Uint8Array(n);
    if (sha256(fromCli) !== sha256(fromViewer)) differing.push(`slice ${k}: cli ${ones(fromCli)} px, viewer ${ones(fromViewer)} px`);
  });
  return differing;
}
