import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './exitCodes';
import { parseBoxesJson, parseSegment3d } from './segment3dOptions';

const base = ['--model', 'm.json', '--series', 'ct.nii', '--out', 'mask.nii.gz'];

describe('segment3d options', () => {
  it('--box with --range is MedSAM\'s 3D box (middle slice unless --slice), with --slice alone one box', () => {
    expect(parseSegment3d([...base, '--box', '1,2,30,40', '--range', '3,9']).prompt).toEqual({ mode: 'box3d', box: { x0: 1, y0: 2, x1: 30, y1: 40 }, range: [3, 9], startSlice: undefined });
    expect(parseSegment3d([...base, '--box', '1,2,30,40', '--range', '3,9', '--slice', '4']).prompt).toMatchObject({ mode: 'box3d', startSlice: 4 });
    expect(parseSegment3d([...base, '--box', '1,2,30,40', '--slice', '7']).prompt).toEqual({ mode: 'one-box', box: { x0: 1, y0: 2, x1: 30, y1: 40 }, slice: 7 });
  });

  it('reads key-slice boxes from a file, the range from the file or the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seg3d-opt-'));
    const file = join(dir, 'boxes.json');
    writeFileSync(file, JSON.stringify({ boxes: [{ slice: 4, box: [1, 2, 3, 4] }, { slice: 9, box: [5, 6, 7, 8] }], range: [2, 12] }));
    expect(parseSegment3d([...base, '--boxes', file]).prompt).toEqual({
      mode: 'key-slices',
      keys: [
        { slice: 4, box: { x0: 1, y0: 2, x1: 3, y1: 4 } },
        { slice: 9, box: { x0: 5, y0: 6, x1: 7, y1: 8 } },
      ],
      range: [2, 12],
    });
    expect(parseSegment3d([...base, '--boxes', file, '--range', '0,20']).prompt).toMatchObject({ range: [0, 20] });
    expect(parseBoxesJson('[{"slice": 1, "box": [0, 0, 9, 9]}]', 'x').keys).toHaveLength(1);
  });

  it.each([
    [['--box', '1,2,30,40'], /--box needs --slice/],
    [['--box', '1,2,30,40', '--range', '9,3'], /--range must be "first,last"/],
    [['--box', '1,2,30,40', '--slice', '2', '--min-overlap', '1.5'], /--min-overlap must be a number from 0 to 1/],
    [['--box', '1,2,30,40', '--slice', '2', '--leak-factor', '1'], /--leak-factor must be a number > 1/],
    [[], /missing the prompt/],
  ])('refuses %j in plain words', (extra, message) => {
    expect(() => parseSegment3d([...base, ...extra])).toThrow(UsageError);
    expect(() => parseSegment3d([...base, ...extra])).toThrow(message);
  });

  it('refuses malformed key-slice files', () => {
    expect(() => parseBoxesJson('{"boxes": []}', 'b.json')).toThrow(/at least one box/);
    expect(() => parseBoxesJson('{"boxes": [{"slice": -1, "box": [0, 0, 1, 1]}]}', 'b.json')).toThrow(/boxes\[0\]/);
    expect(() => parseBoxesJson('{', 'b.json')).toThrow(/not valid JSON/);
  });
});
