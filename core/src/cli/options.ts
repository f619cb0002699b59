import { parseArgs } from 'node:util';
import { parseBox, type Box } from '../pipeline/box';
import { CT_WINDOW_PRESETS, NORMALIZATION_CHOICES, type CtWindowPreset, type NormalizationChoice, type NormalizationSpec } from '../pipeline/normalize';
import type { NodeBackendName } from '../runtimes/backendChoice';
import { UsageError } from './exitCodes';

export const USAGE = `usage:
  medsam segment --model <manifest.json> --image <file.dcm|file.png|file.nii[.gz]> --box x0,y0,x1,y1 --out <mask.png>
                 [--slice K] [--frame F] [--window <preset>|<lower>,<upper>] [--normalization auto|ct|percentile|none]
                 [--backend node|wasm] [--threads N] [--json]
  medsam embed   --model <manifest.json> --image <file> --out <embedding.npy> [same image options] [--json]
  medsam dataset --model <manifest.json> --out <dir> (--folder <dir> | --dicomweb <url>) …   (fine-tuning data: medsam dataset --help)

  --box         x = column, y = row, in the image's pixel coordinates (MedSAM's convention);
                write --box=-5,10,90,80 when the first number is negative
  --slice       NIfTI slice along the 3rd axis (default: the middle one)
  --normalization  auto (default): DICOM/NIfTI CT → window, other grey → 0.5/99.5 percentiles, RGB and 8-bit
                picture files (PNG) as they are; none: the stored 0–255 values as they are
  --window      CT window: ${Object.keys(CT_WINDOW_PRESETS).join(', ')} or "lower,upper" in HU (default medsam-paper = -500,1000)
  --backend     node: onnxruntime-node (default); wasm: onnxruntime-web's WASM build, as browsers run it
Exit status: 0 done, 2 usage, 3 bad image or box, 4 model missing/corrupt/mismatched, 1 other failure.`;

export interface CommonOptions {
  readonly model: string;
  readonly image: string;
  readonly out: string;
  readonly slice?: number;
  readonly frame?: number;
  readonly normalization: NormalizationSpec;
  readonly backend: NodeBackendName;
  readonly threads?: number;
  readonly json: boolean;
}

export interface SegmentOptions extends CommonOptions {
  readonly box: Box;
}

export type Command = { name: 'segment'; options: SegmentOptions } | { name: 'embed'; options: CommonOptions } | { name: 'help' };

function integer(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

/** --backend: node (default) or wasm. */
export function backendOption(value: string | undefined): NodeBackendName {
  const backend = value ?? 'node';
  if (backend !== 'node' && backend !== 'wasm') throw new UsageError(`--backend must be node or wasm, got "${backend}"`);
  return backend;
}

export function normalization(kind: string | undefined, window: string | undefined): NormalizationSpec {
  if (window !== undefined) {
    if (window in CT_WINDOW_PRESETS) return { kind: 'ct-window', preset: window as CtWindowPreset };
    const bounds = window.split(',').map(Number);
    if (bounds.length !== 2 || !bounds.every(Number.isFinite) || bounds[1] <= bounds[0]) {
      throw new UsageError(`--window must be a preset (${Object.keys(CT_WINDOW_PRESETS).join(', ')}) or "lower,upper" with lower < upper, got "${window}"`);
    }
    return { kind: 'ct-window', window: { lower: bounds[0], upper: bounds[1] } };
  }
  const choice = kind ?? 'auto';
  if (!(NORMALIZATION_CHOICES as readonly string[]).includes(choice)) {
    throw new UsageError(`--normalization must be ${NORMALIZATION_CHOICES.join(', ')}, got "${kind}"`);
  }
  switch (choice as NormalizationChoice) {
    case 'auto':
      return { kind: 'auto' };
    case 'ct':
      return { kind: 'ct-window' };
    case 'percentile':
      return { kind: 'percentile' };
    case 'none':
      return { kind: 'none' };
  }
}

export function parseCommand(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return { name: 'help' };
  if (name !== 'segment' && name !== 'embed') throw new UsageError(`unknown command "${name}"`);
  let values;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        model: { type: 'string' },
        image: { type: 'string' },
        box: { type: 'string' },
        out: { type: 'string' },
        slice: { type: 'string' },
        frame: { type: 'string' },
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
  for (const required of ['model', 'image', 'out'] as const) {
    if (!values[required]) throw new UsageError(`missing --${required}`);
  }
  const backend = backendOption(values.backend);
  const common: CommonOptions = {
    model: values.model!,
    image: values.image!,
    out: values.out!,
    slice: integer(values.slice, '--slice', 0),
    frame: integer(values.frame, '--frame', 0),
    normalization: normalization(values.normalization, values.window),
    backend,
    threads: integer(values.threads, '--threads', 1),
    json: values.json ?? false,
  };
  if (name === 'embed') return { name, options: common };
  if (!values.box) throw new UsageError('missing --box x0,y0,x1,y1');
  return { name, options: { ...common, box: parseBox(values.box) } };
}
