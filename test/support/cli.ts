import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'core', 'dist', 'medsam.cjs');
export const TEST_MODEL = join(ROOT, 'models', 'test-tiny', 'manifest.json');
export const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `medsam` command as a user would. */
export function runCli(args: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const tempDir = (prefix = 'medsam-test-') => mkdtempSync(join(tmpdir(), prefix));

/** A mask PNG as 0/1 values; fails unless it is 8-bit grey holding only 0 and 255. */
export function readMaskPng(path: string): { rows: number; columns: number; data: Uint8Array } {
  const png = PNG.sync.read(readFileSync(path), { skipRescale: true }) as PNG & { depth: number; colorType: number };
  if (png.colorType !== 0 || png.depth !== 8) throw new Error(`mask PNG is colour type ${png.colorType}, ${png.depth}-bit; expected 8-bit grey`);
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) {
    const v = png.data[i * 4];
    if (v !== 0 && v !== 255) throw new Error(`mask PNG holds value ${v}; only 0 and 255 are allowed`);
    data[i] = v === 255 ? 1 : 0;
  }
  return { rows: png.height, columns: png.width, data };
}

export function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i] & b[i];
    sum += a[i] + b[i];
  }
  return sum === 0 ? 1 : (2 * inter) / sum;
}
