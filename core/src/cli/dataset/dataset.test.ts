import { resizeMaskNearest } from './caseArrays';
import { splitByPatient } from './datasetManifest';
import { multipartBoundary, splitMultipart } from './multipart';
import { crc32, writeNpz } from './npz';

/** The input column each output column samples: one-hot masks through the resize. */
function sampled(inLen: number, outLen: number): number[] {
  const picked = new Array<number>(outLen).fill(-1);
  for (let j = 0; j < inLen; j++) {
    const data = new Uint8Array(inLen);
    data[j] = 1;
    resizeMaskNearest({ rows: 1, columns: inLen, data }, 1, outLen).forEach((v, o) => v && (picked[o] = j));
  }
  return picked;
}

describe('resizeMaskNearest', () => {
  // Reference: skimage.transform.resize(order=0, preserve_range=True, anti_aliasing=False), scikit-image 0.19.
  it.each([
    [5, 3, [0, 2, 4]],
    [3, 5, [0, 0, 1, 2, 2]],
    [7, 4, [0, 2, 4, 6]],
  ])('%i → %i samples the columns skimage samples', (n, o, expected) => expect(sampled(n, o)).toEqual(expected));
  it('512 → 256 takes the odd columns, as skimage does', () => expect(sampled(512, 256).slice(0, 6)).toEqual([1, 3, 5, 7, 9, 11]));
  it('keeps a same-size mask as it is', () => {
    const data = Uint8Array.from({ length: 64 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    expect(resizeMaskNearest({ rows: 8, columns: 8, data }, 8, 8)).toEqual(data);
  });
});

describe('splitByPatient', () => {
  const patients = Array.from({ length: 10 }, (_, i) => `P${i}`);
  it('puts each patient on one side only, about the fraction asked for in validation', () => {
    const s = splitByPatient([...patients, ...patients], 0.2);
    expect(s.validation).toHaveLength(2);
    expect([...s.train, ...s.validation].sort()).toEqual(patients);
  });
  it('depends on the patients, not on the order cases arrive in', () => {
    expect(splitByPatient([...patients].reverse(), 0.3)).toEqual(splitByPatient(patients, 0.3));
  });
  it('honours named validation patients', () => expect(splitByPatient(patients, 0.2, ['P3']).validation).toEqual(['P3']));
  it('keeps a single patient for training', () => expect(splitByPatient(['A'], 0.5)).toEqual({ train: ['A'], validation: [] }));
  it('puts nobody in validation when the fraction is 0', () => expect(splitByPatient(patients, 0)).toEqual({ train: patients, validation: [] }));
  it('still puts one patient in validation for a small non-zero fraction', () => expect(splitByPatient(patients, 0.01).validation).toHaveLength(1));
});

describe('npz', () => {
  it('crc32 is the zip CRC', () => expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926));
  it('writes a zip whose entries are .npy files', () => {
    const bytes = writeNpz({ a: { dtype: 'uint8', data: Uint8Array.of(1, 2, 3, 4), dims: [2, 2] }, b: { dtype: 'float32', data: Float32Array.of(0.5), dims: [1] } });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    const end = bytes.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    expect(view.getUint16(end + 10, true)).toBe(2);
    expect(new TextDecoder().decode(bytes.subarray(30, 35))).toBe('a.npy');
  });
  it('refuses a shape that does not match the data', () => expect(() => writeNpz({ a: { dtype: 'uint8', data: new Uint8Array(3), dims: [2, 2] } })).toThrow(/shape \[2, 2\] holds 4 values, the data 3/));
});

describe('multipart', () => {
  it('splits a WADO-RS body into its instances, binary-safe', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const part1 = Uint8Array.of(0, 1, 2, 13, 10, 45, 45, 255);
    const part2 = Uint8Array.of(9, 8, 7);
    const body = new Uint8Array([
      ...enc('--XyZ\r\nContent-Type: application/dicom\r\n\r\n'), ...part1,
      ...enc('\r\n--XyZ\r\nContent-Type: application/dicom\r\n\r\n'), ...part2,
      ...enc('\r\n--XyZ--\r\n'),
    ]);
    expect(multipartBoundary('multipart/related; type="application/dicom"; boundary=XyZ')).toBe('XyZ');
    expect(splitMultipart(body, 'XyZ')).toEqual([part1, part2]);
  });
});
