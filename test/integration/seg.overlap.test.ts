// Overlapping segments (a lesion inside an organ, both whole): BINARY SEG frames per segment, SegmentsOverlap YES,
// dciodvfy clean, and every voxel of each segment back from both readers; a Label Map SEG refuses plainly.
import { createHash } from 'node:crypto';
import { buildSegmentation } from '../../extensions/medsam/src/seg/buildSegmentation';
import { readSegmentation } from '../../extensions/medsam/src/seg/readSegmentation';
import type { SegFrameMask } from '../../extensions/medsam/src/seg/types';
import { dciodvfy, idKey, optionsFor, readWithPydicom, removeTemp, segmentsFor, SOURCE_SETS, syntheticMasks, writeTemp } from '../fixtures/seg/segCases';
import { readPart10 } from '../../extensions/medsam/src/seg/part10';

afterAll(removeTemp);

const sha256 = (a: Uint8Array) => createHash('sha256').update(a).digest('hex');
const only = (labels: Uint8Array, value: number) => Uint8Array.from(labels, (v) => (v === value ? 1 : 0));

/** Segment 1 (the organ) whole, and segment 2 (a lesion) a square inside it on the same frames. */
function overlapping(masks: readonly SegFrameMask[], rows: number, columns: number): SegFrameMask[] {
  return masks.map((m) => {
    const organ = only(m.labels, 1);
    const lesion = new Uint8Array(rows * columns);
    const cy = Math.floor(rows / 2);
    const cx = Math.floor(columns / 3);
    for (let y = cy - 3; y <= cy + 3; y++) for (let x = cx - 3; x <= cx + 3; x++) if (organ[y * columns + x]) lesion[y * columns + x] = 2;
    return { ...m, labels: organ, overlapLayers: [lesion] };
  });
}

describe.each(['CT series (CT5N, 5 slices)', 'multi-frame Enhanced CT (oblique, 10x11)'])('overlapping segments on %s', (name) => {
  const sources = SOURCE_SETS[name]();
  const { Rows: rows, Columns: columns } = sources[0];
  const frames = overlapping(syntheticMasks(sources), rows, columns);
  const bytes = buildSegmentation({ sources, segments: segmentsFor(), frames, options: optionsFor('binary') });

  it('is a valid BINARY SEG that says its segments overlap', () => {
    const file = writeTemp(`overlap ${name}`, bytes);
    expect(dciodvfy(file).errors).toEqual([]);
    expect(readPart10(bytes).dataset.SegmentsOverlap).toBe('YES');
    expect(readWithPydicom(file).overlapping).toBe(true);
  });

  it('keeps every voxel of each segment (pydicom and our reader)', () => {
    const view = readWithPydicom(writeTemp(`overlap read ${name}`, bytes));
    const read = new Map(readSegmentation(bytes).frames.map((f) => [idKey(f), f]));
    for (const f of frames) {
      const organ = only(f.labels, 1);
      const lesion = only(f.overlapLayers![0], 2);
      const key = idKey(f).replace(/#0$/, '');
      if (organ.some(Boolean)) expect(view.segmentFrames['1'][key]).toEqual({ count: organ.reduce((a, b) => a + b, 0), sha256: sha256(organ) });
      if (lesion.some(Boolean)) expect(view.segmentFrames['2'][key]).toEqual({ count: lesion.reduce((a, b) => a + b, 0), sha256: sha256(lesion) });
      const back = read.get(idKey(f));
      if (!back) continue;
      const layers = [back.labels, ...(back.overlapLayers ?? [])];
      const union = (value: number) => Uint8Array.from(organ, (_, i) => (layers.some((l) => l[i] === value) ? 1 : 0));
      expect(Buffer.from(union(1)).equals(Buffer.from(organ))).toBe(true);
      expect(Buffer.from(union(2)).equals(Buffer.from(lesion))).toBe(true);
    }
  });

  it('a Label Map SEG refuses overlap in plain words', () => {
    expect(() => buildSegmentation({ sources, segments: segmentsFor(), frames, options: optionsFor('labelmap') })).toThrow(/overlap.*BINARY/);
  });

  it('without overlap it still says NO', () => {
    const plain = buildSegmentation({ sources, segments: segmentsFor(), frames: syntheticMasks(sources), options: optionsFor('binary') });
    expect(readPart10(plain).dataset.SegmentsOverlap).toBe('NO');
  });
});
