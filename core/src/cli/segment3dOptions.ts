import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseBox, type Box } from '../pipeline/box';
import type { NormalizationSpec } from '../pipeline/normalize';
import { OPEN_WALK_DEFAULTS, type KeySliceBox } from '../pipeline/volume/protocols';
import type { NodeBackendName } from '../runtimes/backendChoice';
import { UsageError } from './exitCodes';
import { backendOption, normalization } from './options';

export const SEGMENT3D_USAGE = `  medsam segment3d --model <manifest.json> --series <DICOM folder|file.nii[.gz]> --out <mask.nii[.gz]>
                 (--box x0,y0,x1,y1 [--slice K] [--range a,b] | --boxes <boxes.json> [--range a,b])
                 [--summary <summary.json>] [--min-area PX] [--leak-factor F] [--min-overlap R] [--max-slices N]
                 [--lookahead N] [--pipeline]
                 [--window ...] [--normalization ...] [--backend node|wasm] [--threads N] [--json]

  segment3d     --box with --range: MedSAM's 3D box (the box on the range's middle slice, or on --slice K);
                --box with --slice and no range: up and down from K until the mask ends (our stop rules);
                --boxes: {"boxes": [{"slice": K, "box": [x0, y0, x1, y1]}, ...], "range": [a, b]}, boxes
                interpolated between marked slices. Slices count from 0 along the series' slice normal
                (DICOM) or the 3rd axis (NIfTI). Stop rules without a range: --min-area ${OPEN_WALK_DEFAULTS.minAreaPixels},
                --leak-factor ${OPEN_WALK_DEFAULTS.leakFactor}, --min-overlap ${OPEN_WALK_DEFAULTS.minOverlap}, --max-slices ${OPEN_WALK_DEFAULTS.maxSlicesPerDirection} per direction. --lookahead 1.
                --pipeline: the encoder runs in a thread of its own and embeds the next slice while the
                decoder runs on this one (same voxels; pays where the cores are not already busy).`;

export type Prompt3D =
  | { readonly mode: 'box3d'; readonly box: Box; readonly range: readonly [number, number]; readonly startSlice?: number }
  | { readonly mode: 'one-box'; readonly box: Box; readonly slice: number }
  | { readonly mode: 'key-slices'; readonly keys: readonly KeySliceBox[]; readonly range?: readonly [number, number] };

export interface Segment3dOptions {
  readonly model: string;
  readonly series: string;
  readonly out: string;
  readonly summary?: string;
  readonly prompt: Prompt3D;
  readonly minAreaPixels?: number;
  readonly leakFactor?: number;
  readonly minOverlap?: number;
  readonly maxSlicesPerDirection?: number;
  readonly lookahead?: number;
  /** The encoder in a worker thread of its own (runtimes/encoderThread.ts). */
  readonly pipeline: boolean;
  readonly normalization: NormalizationSpec;
  readonly backend: NodeBackendName;
  readonly threads?: number;
  readonly json: boolean;
}

function number(value: string | undefined, flag: string, check: (n: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !check(n)) throw new UsageError(`${flag} must be ${what}, got "${value}"`);
  return n;
}
const integerAtLeast = (min: number) => (n: number) => Number.isInteger(n) && n >= min;

function parseRange(text: string): [number, number] {
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || !parts.every((n) => Number.isInteger(n) && n >= 0) || parts[0] > parts[1]) {
    throw new UsageError(`--range must be "first,last": two slice indices, first ≤ last, got "${text}"`);
  }
  return [parts[0], parts[1]];
}

/** The --boxes file: {"boxes": [{"slice", "box"}], "range"?} or just the array. */
export function parseBoxesJson(text: string, source: string): { keys: KeySliceBox[]; range?: [number, number] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const object = Array.isArray(json) ? { boxes: json } : (json as { boxes?: unknown; range?: unknown });
  if (!object || !Array.isArray(object.boxes) || object.boxes.length === 0) {
    throw new UsageError(`${source} must hold {"boxes": [{"slice": K, "box": [x0, y0, x1, y1]}, ...]} with at least one box`);
  }
  const keys = object.boxes.map((entry: unknown, i: number) => {
    const e = entry as { slice?: unknown; box?: unknown };
    if (!Number.isInteger(e?.slice) || (e.slice as number) < 0 || !Array.isArray(e.box) || e.box.length !== 4 || !e.box.every((v) => Number.isFinite(v))) {
      throw new UsageError(`${source}: boxes[${i}] must be {"slice": <integer ≥ 0>, "box": [x0, y0, x1, y1]}`);
    }
    const [x0, y0, x1, y1] = e.box as number[];
    return { slice: e.slice as number, box: { x0, y0, x1, y1 } };
  });
  const range = 'range' in object && object.range !== undefined ? parseRange(String(object.range)) : undefined;
  return { keys, range };
}

export function parseSegment3d(argv: readonly string[]): Segment3dOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        model: { type: 'string' },
        series: { type: 'string' },
        out: { type: 'string' },
        summary: { type: 'string' },
        box: { type: 'string' },
        slice: { type: 'string' },
        range: { type: 'string' },
        boxes: { type: 'string' },
        'min-area': { type: 'string' },
        'leak-factor': { type: 'string' },
        'min-overlap': { type: 'string' },
        'max-slices': { type: 'string' },
        lookahead: { type: 'string' },
        pipeline: { type: 'boolean' },
        window: { type: 'string' },
        normalization: { type: 'string' },
        backend: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  for (const required of ['model', 'series', 'out'] as const) {
    if (!values[required]) throw new UsageError(`missing --${required}`);
  }
  const backend = backendOption(values.backend);
  const slice = number(values.slice, '--slice', integerAtLeast(0), 'an integer ≥ 0');
  const range = values.range === undefined ? undefined : parseRange(values.range);
  let prompt: Prompt3D;
  if (values.boxes !== undefined) {
    if (values.box !== undefined || slice !== undefined) throw new UsageError('give either --boxes or --box (with --slice), not both');
    let text: string;
    try {
      text = readFileSync(values.boxes, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --boxes ${values.boxes} (${e instanceof Error ? e.message : String(e)})`);
    }
    const parsed = parseBoxesJson(text, values.boxes);
    prompt = { mode: 'key-slices', keys: parsed.keys, range: range ?? parsed.range };
  } else if (values.box !== undefined) {
    const box = parseBox(values.box);
    if (range) prompt = { mode: 'box3d', box, range, startSlice: slice };
    else if (slice !== undefined) prompt = { mode: 'one-box', box, slice };
    else throw new UsageError('--box needs --slice K (the slice it was drawn on), --range a,b, or both');
  } else {
    throw new UsageError('missing the prompt: --box x0,y0,x1,y1 with --slice/--range, or --boxes <file.json>');
  }
  return {
    model: values.model!,
    series: values.series!,
    out: values.out!,
    summary: values.summary,
    prompt,
    minAreaPixels: number(values['min-area'], '--min-area', integerAtLeast(1), 'an integer ≥ 1'),
    leakFactor: number(values['leak-factor'], '--leak-factor', (n) => n > 1, 'a number > 1'),
    minOverlap: number(values['min-overlap'], '--min-overlap', (n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
    maxSlicesPerDirection: number(values['max-slices'], '--max-slices', integerAtLeast(1), 'an integer ≥ 1'),
    lookahead: number(values.lookahead, '--lookahead', integerAtLeast(0), 'an integer ≥ 0'),
    pipeline: values.pipeline ?? false,
    normalization: normalization(values.normalization, values.window),
    backend,
    threads: number(values.threads, '--threads', integerAtLeast(1), 'an integer ≥ 1'),
    json: values.json ?? false,
  };
}
