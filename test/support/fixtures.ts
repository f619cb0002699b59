import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Absolute path of a file under test/fixtures. */
export const fixturePath = (...parts: string[]) => join(__dirname, '..', 'fixtures', ...parts);

export const readJsonFixture = <T>(...parts: string[]): T => JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;

/** A gzip-compressed raw array written by the Python fixture scripts (little-endian, as numpy writes). */
export function readGzFixture(...parts: string[]): Buffer {
  return gunzipSync(readFileSync(fixturePath(...parts)));
}

export const asFloat32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
export const asUint8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
