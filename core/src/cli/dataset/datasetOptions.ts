import { parseArgs } from 'node:util';
import { CT_WINDOW_PRESETS, type NormalizationSpec } from '../../pipeline/normalize';
import { UsageError } from '../exitCodes';
import type { EncoderChoice } from './datasetEncoder';
import type { StudyFilter } from './source';
import type { SegmentFilter } from './segmentCases';

export const DATASET_USAGE = `usage:
  medsam dataset --model <manifest.json> --out <dir> (--folder <dir> | --dicomweb <url> [--token <t>])
                 [--label L[,L…]] [--type <code|meaning>[,…]] [--study UID] [--series UID] [--from YYYYMMDD] [--to YYYYMMDD]
                 [--min-area N] [--window <preset>|<lower>,<upper>] [--embeddings in-process|service]
                 [--service-url <url>] [--service-token <t>] [--validation-fraction F] [--validation-patients ID[,ID…]]
                 [--threads N] [--quiet] [--json]

  Every segment of every SEG found (filtered by label, SNOMED type code or meaning, study, SEG series, StudyDate)
  with its source slices → <out>/<case>.npz (imgs [n,256,256,3] uint8, gts [n,256,256] uint8,
  img_embeddings [n,256,64,64] float32) and <out>/dataset.json (sources, normalisation, encoder identity,
  train/validation split by patient, skipped objects). Run the same command again to resume.
  --validation-fraction (default 0.2) puts at least one patient in validation once there are two; 0 puts none.
  --token / --service-token default to $MEDSAM_DICOMWEB_TOKEN / $MEDSAM_SERVICE_TOKEN.
  --embeddings service needs a manifest whose encoder takes the compact uint8 image (e.g. manifest_u8.json).`;

export interface DatasetOptions {
  readonly model: string;
  readonly out: string;
  readonly source: { readonly kind: 'folder'; readonly folder: string } | { readonly kind: 'dicomweb'; readonly url: string; readonly token?: string };
  readonly study: StudyFilter;
  readonly segments: SegmentFilter;
  readonly ctNormalization: NormalizationSpec;
  readonly encoder: EncoderChoice;
  readonly validationFraction: number;
  readonly validationPatients: readonly string[];
  readonly quiet: boolean;
  readonly json: boolean;
}

const STRING_FLAGS = ['model', 'out', 'folder', 'dicomweb', 'token', 'label', 'type', 'study', 'series', 'from', 'to', 'min-area', 'window', 'embeddings', 'service-url', 'service-token', 'validation-fraction', 'validation-patients', 'threads'];

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));
const date = (v: string | undefined, flag: string) => {
  if (v !== undefined && !/^\d{8}$/.test(v)) throw new UsageError(`${flag} must be a date YYYYMMDD, got "${v}"`);
  return v;
};

function ctWindow(window: string | undefined): NormalizationSpec {
  if (window === undefined) return { kind: 'ct-window', preset: 'medsam-paper' };
  if (window in CT_WINDOW_PRESETS) return { kind: 'ct-window', preset: window as keyof typeof CT_WINDOW_PRESETS };
  const b = window.split(',').map(Number);
  if (b.length !== 2 || !b.every(Number.isFinite) || b[1] <= b[0]) throw new UsageError(`--window must be a preset (${Object.keys(CT_WINDOW_PRESETS).join(', ')}) or "lower,upper", got "${window}"`);
  return { kind: 'ct-window', window: { lower: b[0], upper: b[1] } };
}

export function parseDatasetOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): DatasetOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((k) => [k, { type: 'string' as const }])),
        quiet: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const v = values as Record<string, string | boolean | undefined>;
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  for (const required of ['model', 'out']) if (!s(required)) throw new UsageError(`missing --${required}`);
  if (!s('folder') === !s('dicomweb')) throw new UsageError('give exactly one of --folder <dir> or --dicomweb <url>');
  const embeddings = s('embeddings') ?? 'in-process';
  if (embeddings !== 'in-process' && embeddings !== 'service') throw new UsageError(`--embeddings must be in-process or service, got "${embeddings}"`);
  if (embeddings === 'service' && !s('service-url')) throw new UsageError('--embeddings service needs --service-url');
  const fraction = Number(s('validation-fraction') ?? '0.2');
  if (!(fraction >= 0 && fraction < 1)) throw new UsageError(`--validation-fraction must be in [0, 1), got "${s('validation-fraction')}"`);
  const minArea = Number(s('min-area') ?? '1');
  if (!Number.isInteger(minArea) || minArea < 1) throw new UsageError(`--min-area must be an integer ≥ 1, got "${s('min-area')}"`);
  const threads = s('threads') === undefined ? undefined : Number(s('threads'));
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new UsageError(`--threads must be an integer ≥ 1`);
  return {
    model: s('model')!,
    out: s('out')!,
    source: s('folder') ? { kind: 'folder', folder: s('folder')! } : { kind: 'dicomweb', url: s('dicomweb')!, token: s('token') ?? env.MEDSAM_DICOMWEB_TOKEN },
    study: { studyInstanceUID: s('study'), seriesInstanceUID: s('series'), dateFrom: date(s('from'), '--from'), dateTo: date(s('to'), '--to') },
    segments: { labels: list(s('label')), types: list(s('type')), minArea },
    ctNormalization: ctWindow(s('window')),
    encoder: embeddings === 'service' ? { kind: 'service', url: s('service-url')!, token: s('service-token') ?? env.MEDSAM_SERVICE_TOKEN } : { kind: 'in-process', threads },
    validationFraction: fraction,
    validationPatients: list(s('validation-patients')) ?? [],
    quiet: v.quiet === true,
    json: v.json === true,
  };
}
