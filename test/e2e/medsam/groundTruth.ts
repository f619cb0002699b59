// Ground truth of the CT phantom (labels.npy written by models/testing/phantom.py) and mask comparison.
import fs from 'node:fs';
import path from 'node:path';

export interface LabelVolume {
  readonly slices: number;
  readonly rows: number;
  readonly columns: number;
  readonly data: Uint8Array;
  /** name → label ids it includes (a structure's mask includes the labels nested in it). */
  readonly labels: Record<string, number[]>;
}

/** A C-order uint8 .npy (the only kind the phantom writes). */
function readNpyUint8(file: string): { shape: number[]; data: Uint8Array } {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file} is not a .npy file`);
  const major = buf[6];
  const headerLength = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLength);
  if (!/'descr':\s*'\|u1'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new Error(`${file}: expected C-order uint8, got ${header}`);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim()).map(Number);
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + start + headerLength, shape.reduce((a, b) => a * b, 1)) };
}

export function readPhantomLabels(phantomDir: string): LabelVolume {
  const { shape, data } = readNpyUint8(path.join(phantomDir, 'labels.npy'));
  const meta = JSON.parse(fs.readFileSync(path.join(phantomDir, 'labels.json'), 'utf8')) as { labels: Record<string, string>; contains?: Record<string, string[]> };
  const idOf = Object.fromEntries(Object.entries(meta.labels).map(([id, name]) => [name, Number(id)]));
  const labels: Record<string, number[]> = {};
  for (const name of Object.keys(idOf)) labels[name] = [idOf[name], ...(meta.contains?.[name] ?? []).map((n) => idOf[n])];
  const [slices, rows, columns] = shape;
  return { slices, rows, columns, data, labels };
}

/** The 0/1 mask of a structure on one slice. */
export function structureMask(volume: LabelVolume, slice: number, name: string): Uint8Array {
  const ids = new Set(volume.labels[name]);
  if (!ids.size) throw new Error(`no structure "${name}"`);
  const n = volume.rows * volume.columns;
  const out = new Uint8Array(n);
  const offset = slice * n;
  for (let i = 0; i < n; i++) out[i] = ids.has(volume.data[offset + i]) ? 1 : 0;
  return out;
}

export function maskArea(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}

/** Inclusive bounding box (x = column, y = row) of a mask, or null when empty. */
export function maskBox(mask: ArrayLike<number>, columns: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const x = i % columns;
    const y = (i - x) / columns;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return Number.isFinite(x0) ? { x0, y0, x1, y1 } : null;
}

export function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`masks of ${a.length} and ${b.length} pixels`);
  let both = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    both += x & y;
    sum += x + y;
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

/** Indices where two masks differ (for a readable failure message). */
export function differingPixels(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (Boolean(a[i]) !== Boolean(b[i])) out.push(i);
  return out;
}

/** 3D Dice of the viewer's masks (by SOP instance, slice k = sops[k]) against one phantom structure, every slice. */
export function structureDice3d(truth: LabelVolume, sops: readonly string[], structure: Parameters<typeof structureMask>[2], bySop: ReadonlyMap<string, Uint8Array>): number {
  const n = truth.rows * truth.columns;
  const a = new Uint8Array(n * truth.slices);
  const b = new Uint8Array(n * truth.slices);
  sops.forEach((sop, k) => {
    const m = bySop.get(sop);
    if (m) a.set(m, k * n);
    b.set(structureMask(truth, k, structure), k * n);
  });
  return dice(a, b);
}
