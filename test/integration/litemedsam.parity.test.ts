import { createHash } from 'node:crypto';
import type { Uint8Image } from '../../core/src/pipeline/image';
import { bilinearResize, logitsToMask } from '../../core/src/pipeline/postprocess';
import { boxToModelSpace, buildEncoderInput, modelInputTransform } from '../../core/src/pipeline/resize';
import { asUint8, readGzFixture, readJsonFixture } from '../support/fixtures';

// LiteMedSAM's 256 profile against the reference's own functions (CVPR24_LiteMedSAM_infer.py, branch
// LiteMedSAM: resize_longest_side, pad_image, resize_box_to_256, postprocess_masks), run by
// test/fixtures/litemedsam/make_litemedsam_fixtures.py.
interface LogitSpec {
  readonly cr: number;
  readonly cc: number;
  readonly ar: number;
  readonly ac: number;
  readonly s: number;
  readonly exactAt: readonly (readonly [number, number])[];
  readonly exact: readonly number[];
}

interface LiteIndex {
  readonly images: readonly {
    readonly name: string;
    readonly rows: number;
    readonly columns: number;
    readonly channels: 1 | 3;
    readonly input: string;
    readonly resized: { readonly rows: number; readonly columns: number; readonly file: string };
    readonly encoderInputSha256: string;
  }[];
  readonly boxes: readonly { readonly rows: number; readonly columns: number; readonly box: readonly number[]; readonly box256: readonly number[] }[];
  readonly masks: readonly {
    readonly name: string;
    readonly rows: number;
    readonly columns: number;
    readonly newSize: readonly [number, number];
    readonly logits: LogitSpec;
    readonly file: string;
    readonly area: number;
    readonly resizedLogitsSha256: string;
  }[];
}

const index = readJsonFixture<LiteIndex>('litemedsam', 'index.json');
const PROFILE = 'litemedsam-longest-256';
const fixture = (file: string) => asUint8(readGzFixture('litemedsam', file));

/** The fixture's logits formula (only + − × ÷ in float64, then float32), then the listed exact cells. */
function logits(spec: LogitSpec): Float32Array {
  const out = new Float32Array(256 * 256);
  for (let r = 0; r < 256; r++) {
    for (let c = 0; c < 256; c++) {
      const dr = r - spec.cr;
      const dc = c - spec.cc;
      const v = 6 - 12 * ((dr * dr) / (spec.ar * spec.ar) + (dc * dc) / (spec.ac * spec.ac));
      out[r * 256 + c] = v + (((r * 7 + c * 13) % 5) - 2) * spec.s;
    }
  }
  spec.exactAt.forEach(([r, c], i) => (out[r * 256 + c] = spec.exact[i]));
  return out;
}

describe('LiteMedSAM profile = the reference functions', () => {
  it.each(index.images.map((i) => [i.name, i] as const))('%s: longest side 256 (INTER_AREA), min-max, zero pad: same float32 input', (_n, ref) => {
    const image: Uint8Image = { rows: ref.rows, columns: ref.columns, channels: ref.channels, data: fixture(ref.input) };
    const input = buildEncoderInput(image, PROFILE, 256);
    expect([input.resized.rows, input.resized.columns]).toEqual([ref.resized.rows, ref.resized.columns]);
    const want = fixture(ref.resized.file); // HWC, 3 channels (grey was replicated before the resize)
    const got = input.resized;
    let differing = 0;
    for (let p = 0; p < got.rows * got.columns; p++) {
      for (let k = 0; k < 3; k++) if (got.data[p * got.channels + (got.channels === 1 ? 0 : k)] !== want[p * 3 + k]) differing++;
    }
    expect(differing).toBe(0);
    const bytes = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.encoderInputSha256);
  });

  it(`boxes: int(box[i] * (256 / max(H, W))) on ${index.boxes.length} boxes, some one ulp below a whole number`, () => {
    const wrong = index.boxes.filter(({ rows, columns, box, box256 }) => {
      const [x0, y0, x1, y1] = box;
      const got = boxToModelSpace({ x0, y0, x1, y1 }, modelInputTransform(PROFILE, 256, rows, columns));
      return [got.x0, got.y0, got.x1, got.y1].join() !== box256.join();
    });
    expect(wrong).toEqual([]);
  });

  it.each(index.masks.map((m) => [m.name, m] as const))('%s: logits cropped to the resized region, bilinear to H×W, sigmoid > 0.5', (_n, ref) => {
    const region = { rows: ref.newSize[0], columns: ref.newSize[1] };
    const resized = bilinearResize(logits(ref.logits), 256, region, ref.rows, ref.columns);
    expect(createHash('sha256').update(Buffer.from(resized.buffer)).digest('hex')).toBe(ref.resizedLogitsSha256); // every float32 bit
    const mask = logitsToMask(logits(ref.logits), {
      lowResSize: 256,
      region: { rows: ref.newSize[0], columns: ref.newSize[1] },
      sigmoidFirst: false,
      rows: ref.rows,
      columns: ref.columns,
    });
    const want = fixture(ref.file);
    let differing = 0;
    for (let i = 0; i < want.length; i++) if (mask.data[i] !== want[i]) differing++;
    expect({ differing, area: mask.data.reduce((a, b) => a + b, 0) }).toEqual({ differing: 0, area: ref.area });
  });
});
