import { logitsToMask, summarizeMask } from './postprocess';
import { asFloat32, asUint8, readGzFixture, readJsonFixture } from '../../../test/support/fixtures';

interface Index {
  postprocess: { logits: string; size: number; cases: { rows: number; columns: number; mask: string; area: number }[] };
}

describe('post-processing: sigmoid → bilinear (align_corners=False) → > 0.5', () => {
  const { postprocess } = readJsonFixture<Index>('pipeline', 'index.json');
  const logits = asFloat32(readGzFixture('pipeline', postprocess.logits));

  it.each(postprocess.cases.map((c) => [`${c.rows}×${c.columns}`, c] as const))('matches torch for %s', (_n, c) => {
    const expected = asUint8(readGzFixture('pipeline', c.mask));
    const mask = logitsToMask(logits, {
      lowResSize: 256,
      region: { rows: 256, columns: 256 },
      sigmoidFirst: true,
      rows: c.rows,
      columns: c.columns,
    });
    let differing = 0;
    for (let i = 0; i < expected.length; i++) if (expected[i] !== mask.data[i]) differing++;
    expect(mask.data.length).toBe(c.rows * c.columns);
    expect(differing).toBe(0);
    expect(summarizeMask(mask).areaPixels).toBe(c.area);
  });

  it('crops to the valid region before resizing (LiteMedSAM padding)', () => {
    // Logits positive only in the padded part: after cropping to the top-left 128×64 nothing remains.
    const plane = new Float32Array(256 * 256).fill(-10);
    for (let y = 0; y < 256; y++) for (let x = 64; x < 256; x++) plane[y * 256 + x] = 10;
    const mask = logitsToMask(plane, { lowResSize: 256, region: { rows: 128, columns: 64 }, sigmoidFirst: false, rows: 40, columns: 20 });
    expect(summarizeMask(mask).areaPixels).toBe(0);
    const whole = logitsToMask(plane, { lowResSize: 256, region: { rows: 256, columns: 256 }, sigmoidFirst: false, rows: 40, columns: 40 });
    expect(summarizeMask(whole).areaPixels).toBeGreaterThan(0);
  });

  it('summarises area and inclusive bounding box', () => {
    const data = new Uint8Array(5 * 4);
    data[1 * 4 + 2] = 1;
    data[3 * 4 + 1] = 1;
    expect(summarizeMask({ rows: 5, columns: 4, data })).toEqual({ areaPixels: 2, bbox: { x0: 1, y0: 1, x1: 2, y1: 3 } });
    expect(summarizeMask({ rows: 2, columns: 2, data: new Uint8Array(4) }).bbox).toBeNull();
  });
});
