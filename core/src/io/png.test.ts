import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { MedSamError } from '../pipeline/errors';
import { arrayNameOf, caseFile, measure, referenceCases, type ReferenceCase } from './ioReference.testutil';
import { readPng, writeMaskPng } from './png';

const pngCases = Object.entries(referenceCases()).filter(([name]) => name.startsWith('png_'));

/** IHDR fields and the unfiltered rows of a PNG written with filter type 0 or not (decoded independently of pngjs). */
function chunks(png: Uint8Array): Map<string, Uint8Array[]> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const found = new Map<string, Uint8Array[]>();
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    found.set(type, [...(found.get(type) ?? []), png.subarray(at + 8, at + 8 + length)]);
    at += 12 + length;
  }
  return found;
}

describe('readPng against Pillow (test/fixtures/io/io_reference.json)', () => {
  it.each(pngCases)('%s', (_name, ref: ReferenceCase) => {
    const image = readPng(readFileSync(caseFile(ref)));
    expect([image.rows, image.columns, image.samplesPerPixel]).toEqual([ref.rows, ref.columns, ref.samplesPerPixel]);
    expect(image.pixels.constructor.name).toBe(arrayNameOf(ref.dtype));
    expect(measure(image, ref)).toEqual({ sum: ref.sum, min: ref.min, max: ref.max, sha256: ref.sha256, gridMaxDiff: 0 });
    expect([image.modality, image.rescaleSlope, image.rescaleIntercept]).toEqual(['OT', 1, 0]);
  });

  it('refuses non-PNG and truncated data', () => {
    expect(() => readPng(new TextEncoder().encode('hello'))).toThrow('not a PNG file (signature missing)');
    const bytes = readFileSync(caseFile(referenceCases().png_rgb));
    expect(() => readPng(bytes.subarray(0, 40))).toThrow(MedSamError);
    expect(() => readPng(bytes.subarray(0, 40))).toThrow(/^PNG file is corrupt or truncated/);
  });
});

describe('writeMaskPng', () => {
  const mask = { rows: 3, columns: 4, data: Uint8Array.from([0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0]) };

  it('writes an 8-bit greyscale PNG of 0 and 255 with the mask size', () => {
    const png = writeMaskPng(mask);
    const found = chunks(png);
    const ihdr = new DataView(found.get('IHDR')![0].buffer, found.get('IHDR')![0].byteOffset);
    expect([ihdr.getUint32(0), ihdr.getUint32(4), ihdr.getUint8(8), ihdr.getUint8(9)]).toEqual([4, 3, 8, 0]);
    const raw = inflateSync(Buffer.concat(found.get('IDAT')!));
    expect(raw.length).toBe(3 * (1 + 4)); // a filter byte per row, one byte per pixel
    const back = readPng(png);
    expect([back.rows, back.columns, back.samplesPerPixel]).toEqual([3, 4, 1]);
    expect(Array.from(back.pixels)).toEqual(Array.from(mask.data, (v) => v * 255));
  });

  it('treats any non-zero mask value as inside and checks the data length', () => {
    const back = readPng(writeMaskPng({ rows: 1, columns: 2, data: Uint8Array.from([0, 7]) }));
    expect(Array.from(back.pixels)).toEqual([0, 255]);
    expect(() => writeMaskPng({ rows: 2, columns: 2, data: new Uint8Array(3) })).toThrow(
      'mask data has 3 values but 2×2 needs 4',
    );
  });
});
