// Build → decode, every voxel of every source frame, twice: with readSegmentation (dcmjs underneath) and with
// read_seg.py (pydicom's own parsing and 1-bit unpacking), so a shared misunderstanding cannot pass unseen.
import { createHash } from 'node:crypto';
import { readSegmentation } from '../../extensions/medsam/src/seg/readSegmentation';
import type { PersonNameValue } from '../../extensions/medsam/src/seg/vr';
import { buildCase, idKey, readWithPydicom, segmentsFor, SOURCE_SETS, sourceFrameIds, removeTemp, writeTemp } from '../fixtures/seg/segCases';

afterAll(removeTemp);

const sha256 = (labels: Uint8Array) => createHash('sha256').update(labels).digest('hex');
/** read_seg.py's keys: the SOP Instance UID, plus "#frame" for multi-frame sources. */
const pyKey = (key: string) => key.replace(/#0$/, '');
/** A source PatientName as pydicom prints it. */
function printed(name: PersonNameValue | undefined): string {
  const first = (Array.isArray(name) ? name[0] : name) as PersonNameValue | undefined;
  if (first === undefined) return '';
  if (typeof first === 'string') return first;
  const { Alphabetic = '', Ideographic = '', Phonetic = '' } = first as { Alphabetic?: string; Ideographic?: string; Phonetic?: string };
  return [Alphabetic, Ideographic, Phonetic].join('=').replace(/=+$/, '');
}

function counts(labels: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of labels) if (v !== 0) out[v] = (out[v] ?? 0) + 1;
  return out;
}

describe.each(Object.keys(SOURCE_SETS))('round trip of the SEG of %s', (name) => {
  describe.each(['binary', 'labelmap'] as const)('%s', (sopClass) => {
    const c = buildCase(name, sopClass);
    const length = c.sources[0].Rows * c.sources[0].Columns;
    const expected = new Map<string, Uint8Array>(sourceFrameIds(c.sources).map((id) => [idKey(id), new Uint8Array(length)]));
    for (const m of c.masks) expected.set(idKey(m), m.labels);

    it('readSegmentation gives back every voxel of every source frame', () => {
      const read = readSegmentation(c.bytes);
      const got = new Map(read.frames.map((f) => [idKey(f), f.labels]));
      for (const key of got.keys()) expect(expected.has(key)).toBe(true);
      let voxels = 0;
      for (const [key, labels] of expected) {
        const decoded = got.get(key) ?? new Uint8Array(length);
        expect(Buffer.from(decoded).equals(Buffer.from(labels))).toBe(true);
        voxels += labels.length;
      }
      expect(voxels).toBe(expected.size * length);
      // Omitted frames are exactly the empty ones.
      for (const [key, labels] of expected) expect(got.has(key)).toBe(labels.some((v) => v !== 0));
      expect(read.rows).toBe(c.sources[0].Rows);
      expect(read.frameOfReferenceUID).toBe(c.sources[0].FrameOfReferenceUID);
      expect(read.referencedSeriesInstanceUIDs).toEqual([c.sources[0].SeriesInstanceUID]);
    });

    it('readSegmentation gives back the segment descriptions', () => {
      const read = readSegmentation(c.bytes);
      const inputs = segmentsFor();
      expect(read.segments).toHaveLength(inputs.length);
      read.segments.forEach((s, i) => {
        const input = inputs[i];
        expect(s).toMatchObject({
          segmentNumber: input.segmentNumber,
          label: input.label,
          algorithmType: 'SEMIAUTOMATIC',
          algorithmName: input.algorithm!.name,
          modelName: input.algorithm!.modelName,
          modelVersion: input.algorithm!.modelVersion,
          normalization: input.normalization,
        });
        expect(s.description).toBe(input.description);
        if (input.color) s.color!.forEach((v, k) => expect(Math.abs(v - input.color![k])).toBeLessThanOrEqual(1));
        else expect(s.color).toBeUndefined();
      });
    });

    it('pydicom decodes the same voxels, frame references and segments', () => {
      const view = readWithPydicom(writeTemp(`${name}-${sopClass}-roundtrip`, c.bytes));
      expect(view.segmentationType).toBe(sopClass === 'binary' ? 'BINARY' : 'LABELMAP');
      for (const [key, labels] of expected) {
        const frame = view.frames[pyKey(key)];
        if (!labels.some((v) => v !== 0)) {
          expect(frame).toBeUndefined();
          continue;
        }
        expect(frame).toEqual({ counts: counts(labels), sha256: sha256(labels) });
      }
      const keys = new Set([...expected.keys()].map(pyKey));
      expect(Object.keys(view.frames).every((k) => keys.has(k))).toBe(true);
      expect(view.segments.map((s) => [s.number, s.label, s.algorithmType, s.algorithmName, s.modelName, s.modelVersion])).toEqual(
        segmentsFor().map((s) => [s.segmentNumber, s.label, 'SEMIAUTOMATIC', 'MedSAM', s.algorithm!.modelName, s.algorithm!.modelVersion]),
      );
      expect(view.segments.map((s) => s.type[0])).toEqual(['10200004', '108369006']);
      expect(view.patientName).toBe(printed(c.sources[0].PatientName));
    });
  });
});

describe('round trip details', () => {
  it('keeps a non-ASCII patient name (UTF-8, ISO_IR 192) readable by pydicom', () => {
    const c = buildCase('multi-frame Enhanced CT (oblique, 10x11)', 'binary');
    expect(readWithPydicom(writeTemp('utf8', c.bytes)).patientName).toBe('Müller^Jörg');
  });

  it('describing the label-map background adds segment 0 to the file but not to the segments read back', () => {
    const c = buildCase('CT series (CT5N, 5 slices)', 'labelmap', { describeBackground: true });
    const view = readWithPydicom(writeTemp('background', c.bytes));
    expect(view.segments.map((s) => [s.number, s.label, s.type[0]])).toEqual([
      [0, 'Background', '125040'],
      [1, 'Liver', '10200004'],
      [2, 'Lesion 1', '108369006'],
    ]);
    expect(readSegmentation(c.bytes).segments.map((s) => s.segmentNumber)).toEqual([1, 2]);
  });

  it('keeps every frame when asked to, empty ones included', () => {
    for (const sopClass of ['binary', 'labelmap'] as const) {
      const c = buildCase('CT series (CT5N, 5 slices)', sopClass, { omitEmptyFrames: false });
      const read = readSegmentation(c.bytes);
      expect(read.frames).toHaveLength(5);
      for (const m of c.masks) expect(Buffer.from(read.frames.find((f) => f.sopInstanceUID === m.sopInstanceUID)!.labels).equals(Buffer.from(m.labels))).toBe(true);
    }
  });
});
