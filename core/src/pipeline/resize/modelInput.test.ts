import { compareU8, readRank3, readU8, referenceIndex, type ReferenceImage } from '../../../../test/fixtures/reference/referenceFixtures';
import type { Uint8Image } from '../image';
import { buildEncoderInput, toEncoderTensor } from './modelInput';
import { boxToModelSpace, longestSideSize, modelInputTransform } from './modelTransform';

const index = referenceIndex();
const real = (name: string): ReferenceImage => {
  const image = index.images.find((i) => i.name === name);
  if (!image) throw new Error(`fixture ${name} missing`);
  return image;
};
const asImage = (i: ReferenceImage): Uint8Image => ({ rows: i.rows, columns: i.columns, channels: i.channels, data: readU8(i.input) });

describe('ModelInputTransform', () => {
  it('stretches for MedSAM and keeps the aspect ratio for LiteMedSAM (int(side·scale + 0.5))', () => {
    expect(modelInputTransform('medsam-stretch-1024', 1024, 181, 217)).toEqual({
      profile: 'medsam-stretch-1024',
      inputSize: 1024,
      scaledRows: 1024,
      scaledColumns: 1024,
      sourceRows: 181,
      sourceColumns: 217,
    });
    expect(longestSideSize(181, 217, 256)).toEqual([214, 256]); // 213.53 -> 214
    expect(longestSideSize(300, 200, 256)).toEqual([256, 171]); // 170.67 -> 171
    expect(longestSideSize(512, 512, 256)).toEqual([256, 256]);
    expect(longestSideSize(3, 1000, 256)).toEqual([1, 256]); // 0.768 + 0.5 -> 1
    expect(longestSideSize(1, 1000, 256)).toEqual([1, 256]); // 0.756 would truncate to 0: kept at 1
  });

  it('gives the box scale factors the reference code uses', () => {
    const box = { x0: 10, y0: 20, x1: 30, y1: 40 };
    // MedSAM stretches each axis (box / [W, H, W, H] * 1024); LiteMedSAM scales by the longest side.
    expect(boxToModelSpace(box, modelInputTransform('medsam-stretch-1024', 1024, 256, 512))).toEqual({ x0: 20, y0: 80, x1: 60, y1: 160 });
    // LiteMedSAM truncates box · (256 / max(H, W)): 10 · 1.1797 = 11.797 → 11, 40 · 1.1797 = 47.19 → 47.
    expect(boxToModelSpace(box, modelInputTransform('litemedsam-longest-256', 256, 181, 217))).toEqual({ x0: 11, y0: 23, x1: 35, y1: 47 });
  });
});

describe('toEncoderTensor', () => {
  it('min-max scales over the image, replicates grey to 3 planes and zero-pads bottom/right', () => {
    const t = toEncoderTensor({ rows: 2, columns: 3, channels: 1, data: new Uint8Array([10, 20, 30, 40, 50, 60]) }, 4);
    const plane = [0, 0.2, 0.4, 0, 0.6, 0.8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0].map(Math.fround);
    expect(Array.from(t)).toEqual([...plane, ...plane, ...plane]);
  });

  it('de-interleaves RGB and uses one min/max for all channels', () => {
    const t = toEncoderTensor({ rows: 1, columns: 2, channels: 3, data: new Uint8Array([0, 100, 200, 50, 150, 250]) }, 2);
    const f = (v: number) => Math.fround(v / 250);
    expect(Array.from(t)).toEqual([f(0), f(50), 0, 0, f(100), f(150), 0, 0, f(200), f(250), 0, 0]);
  });

  it('maps a constant image to zeros (range clamped to 1e-8)', () => {
    expect(new Set(toEncoderTensor({ rows: 2, columns: 2, channels: 1, data: new Uint8Array(4).fill(9) }, 2))).toEqual(new Set([0]));
  });
});

describe('buildEncoderInput', () => {
  it('MedSAM exact mode reproduces MedSAM_Inference.py (grey replicated before the resize)', () => {
    const image = real('ct_693_j2k');
    const input = buildEncoderInput(asImage(image), 'medsam-stretch-1024', 1024);
    expect(input.dims).toEqual([1, 3, 1024, 1024]);
    expect(input.resized.channels).toBe(3);
    expect(compareU8(input.resized.data, readRank3(image.skimage[0]))).toEqual({ maxDiff: 0, offByOne: 0 });
    // The 3 planes differ where the rank-3 rounding differs per channel.
    const plane = 1024 * 1024;
    let differ = 0;
    for (let i = 0; i < plane; i++) if (input.data[i] !== input.data[plane + i]) differ++;
    expect(differ).toBeGreaterThan(0);
  });

  it('MedSAM fast mode matches the 2D resize and replicates it', () => {
    const image = real('ct_693_j2k');
    const input = buildEncoderInput(asImage(image), 'medsam-stretch-1024', 1024, 'fast');
    expect(input.resized.channels).toBe(1);
    expect(compareU8(input.resized.data, readU8(image.skimage[0].file))).toEqual({ maxDiff: 0, offByOne: 0 });
    const plane = 1024 * 1024;
    expect(input.data.subarray(0, plane)).toEqual(input.data.subarray(2 * plane));
  });

  it.each(index.images.filter((i) => i.kind === 'real').map((i) => [i.name, i] as const))(
    'LiteMedSAM %s: cv2 INTER_AREA to the longest side 256, then zero padding',
    (_n, image) => {
      const input = buildEncoderInput(asImage(image), 'litemedsam-longest-256', 256);
      const lite = image.cv2Area.find((o) => o.litemedsam);
      if (!lite) throw new Error('no LiteMedSAM output in the fixture');
      expect([input.transform.scaledRows, input.transform.scaledColumns]).toEqual([lite.rows, lite.columns]);
      expect(compareU8(input.resized.data, readU8(lite.file))).toEqual({ maxDiff: 0, offByOne: 0 });
      let min = 255;
      let max = 0;
      for (const v of input.resized.data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      const plane = 256 * 256;
      for (let r = 0; r < 256; r++) {
        for (let c = 0; c < 256; c++) {
          const inside = r < lite.rows && c < lite.columns;
          const want = inside ? Math.fround((input.resized.data[r * lite.columns + c] - min) / Math.max(max - min, 1e-8)) : 0;
          if (input.data[r * 256 + c] !== want || input.data[2 * plane + r * 256 + c] !== want) {
            throw new Error(`pixel ${r},${c}: ${input.data[r * 256 + c]} != ${want}`);
          }
        }
      }
    },
  );
});
