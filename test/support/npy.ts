import { readFileSync } from 'node:fs';

/** Reads a C-order .npy file of int16 or uint8 (numpy's format 1.0/2.0), as written by the phantom generator. */
export function readNpy(path: string): { shape: number[]; data: Int16Array | Uint8Array } {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path} is not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = bytes.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order is not supported`);
  const count = shape.reduce((a, b) => a * b, 1);
  const copy = new Uint8Array(bytes.subarray(start, start + count * (descr === '<i2' ? 2 : 1)));
  if (descr === '<i2') return { shape, data: new Int16Array(copy.buffer, 0, count) };
  if (descr === '|u1' || descr === '|b1') return { shape, data: copy };
  throw new Error(`${path}: dtype ${descr} is not supported`);
}
