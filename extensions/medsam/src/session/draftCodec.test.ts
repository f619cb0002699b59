import { decodeRuns, draftBytes, draftKey, draftTime, isDraft, maskRuns, runsArea, studyOfKey, valueRuns, DRAFT_VERSION, type SegmentationDraft } from './draftCodec';

/** A 6×5 labelmap slice: two segments (1, 2), one with two separate parts, and a preview value (255). */
const SLICE = Uint8Array.from([
  0, 0, 1, 1, 0, 0,
  0, 1, 1, 1, 0, 2,
  0, 0, 0, 0, 2, 2,
  1, 0, 0, 0, 2, 2,
  1, 0, 255, 0, 0, 0,
]);

const maskOf = (values: ArrayLike<number>, label: number) => Uint8Array.from(Array.from(values, (v) => (v === label ? 1 : 0)));

describe('draft encoding', () => {
  it('value runs, then per segment mask runs, decode to exactly the voxels of each label', () => {
    const pairs = valueRuns(SLICE)!;
    expect(pairs).toBeInstanceOf(Uint32Array);
    expect(pairs.length % 2).toBe(0);
    let covered = 0;
    for (let k = 1; k < pairs.length; k += 2) covered += pairs[k];
    expect(covered).toBe(SLICE.length);
    for (const label of [1, 2, 255]) {
      const runs = maskRuns(pairs, label)!;
      expect(decodeRuns(runs, SLICE.length)).toEqual(maskOf(SLICE, label));
      expect(runsArea(runs)).toBe(maskOf(SLICE, label).reduce((a, b) => a + b, 0));
    }
    expect(maskRuns(pairs, 3)).toBeNull(); // a label the slice does not hold
  });

  it('an empty slice is null; a slice starting with the label starts with an empty run of zeros', () => {
    expect(valueRuns(new Uint8Array(12))).toBeNull();
    const full = new Uint8Array(4).fill(5);
    const runs = maskRuns(valueRuns(full)!, 5)!;
    expect(Array.from(runs)).toEqual([0, 4]);
    expect(decodeRuns(runs, 4)).toEqual(Uint8Array.from([1, 1, 1, 1]));
  });

  it('round-trips a realistic slice (512×512 disc) in a few hundred runs', () => {
    const n = 512;
    const values = new Uint16Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if ((x - 200) ** 2 + (y - 300) ** 2 < 60 ** 2) values[y * n + x] = 3;
    const runs = maskRuns(valueRuns(values)!, 3)!;
    expect(runs.length).toBeLessThan(300);
    expect(decodeRuns(runs, n * n)).toEqual(maskOf(values, 3));
  });

  it('refuses runs that do not fill the slice exactly', () => {
    expect(() => decodeRuns(Uint32Array.from([2, 3]), 4)).toThrow(/cover 5 voxels, the slice has 4/);
    expect(() => decodeRuns(Uint32Array.from([1, 1]), 4)).toThrow(/cover 2 voxels, the slice has 4/);
  });
});

describe('draft records', () => {
  const draft: SegmentationDraft = {
    version: DRAFT_VERSION,
    studyInstanceUID: '1.2.3',
    seriesInstanceUID: '1.2.3.4',
    segmentationId: 'abc',
    label: 'MedSAM',
    rows: 5,
    columns: 6,
    updatedAt: Date.UTC(2026, 0, 2, 14, 2),
    segments: [{ segmentIndex: 1, label: 'Liver', target: 'liver', slices: [{ frame: { sopInstanceUID: '1.2.3.4.5' }, runs: maskRuns(valueRuns(SLICE)!, 1)! }] }],
  };

  it('is keyed per study, series and segmentation', () => {
    expect(draftKey(draft)).toBe('1.2.3|1.2.3.4|abc');
    expect(studyOfKey(draftKey(draft))).toBe('1.2.3');
  });

  it('recognises its own records and nothing else', () => {
    expect(isDraft(draft)).toBe(true);
    expect(isDraft(structuredClone(draft))).toBe(true); // what IndexedDB gives back
    expect(isDraft({ ...draft, version: 0 })).toBe(false);
    expect(isDraft({ ...draft, segments: [{ ...draft.segments[0], slices: [{ frame: { sopInstanceUID: 'x' }, runs: [1, 2] }] }] })).toBe(false);
    expect(isDraft(null)).toBe(false);
  });

  it('counts its bytes from the runs it holds', () => {
    expect(draftBytes(draft)).toBeGreaterThan(draft.segments[0].slices[0].runs.byteLength);
    expect(draftBytes(draft)).toBeLessThan(2048);
  });

  it('says when it was written: the time today, the date before', () => {
    const at = new Date(2026, 0, 2, 14, 2).getTime();
    expect(draftTime(at, new Date(2026, 0, 2, 18, 0).getTime())).toBe('14:02');
    expect(draftTime(at, new Date(2026, 0, 5, 9, 0).getTime())).toBe('2 Jan, 14:02');
  });
});
