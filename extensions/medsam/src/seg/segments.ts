// Segment Sequence items: what each segment is (SNOMED category/type), who made it (MedSAM, semi-automatic:
// the user draws the box) and with which model and intensity normalisation.
import type { FileRun } from '@medsam-ohif/core/src/pipeline/modelFile';
import { describeNormalization, type NormalizationRecord } from '@medsam-ohif/core/src/pipeline/normalize';
import { AI_ALGORITHM_FAMILY, BACKGROUND, codeItem, DEFAULT_TARGET, SEGMENT_TARGETS, type CodedConcept, type SegmentTarget } from './codes';
import { rgbToDicomLab } from './color';
import { SegError } from './errors';
import type { DecoderRun, SegSegmentInput } from './types';
import { text } from './vr';

type Item = Record<string, unknown>;

const RECORD_TAG = 'normalization=';

/** Human-readable first, then the exact record as JSON so a reader can recover it. */
export function algorithmParameters(record: NormalizationRecord, decoderRun?: DecoderRun): string {
  const decoder = decoderRun && describeDecoderRun(decoderRun);
  return text(`MedSAM input: ${describeNormalization(record)}; ${decoder ? `${decoder}; ` : ''}${RECORD_TAG}${JSON.stringify(record)}`, 'LT', 'AlgorithmParameters');
}

/** The decoder files that ran, with full hashes: a pre-optimised file also names the file it was saved from. */
function describeDecoderRun(run: DecoderRun): string | undefined {
  const where = [
    ...(run.browserFiles?.length ? [`in the browser: ${run.browserFiles.map(describeFile).join(' + ')}`] : []),
    ...(run.service ? ['on the embedding service'] : []),
  ];
  return where.length ? `decoder run ${where.join(', and ')}` : undefined;
}

function describeFile(f: FileRun): string {
  const from = f.preOptimizedFrom;
  const origin = from ? `, saved pre-optimised by onnxruntime ${from.onnxruntime} at level ${from.level} from ${from.file} SHA-256 ${from.sha256}` : '';
  return `${f.file} (manifest ${f.entry}, SHA-256 ${f.sha256}${origin})`;
}

export function parseAlgorithmParameters(parameters: string | undefined): NormalizationRecord | undefined {
  const at = parameters?.lastIndexOf(RECORD_TAG) ?? -1;
  if (!parameters || at < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(parameters.slice(at + RECORD_TAG.length).trim());
    return isNormalizationRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isNormalizationRecord(v: unknown): v is NormalizationRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (r.rule === 'rgb' || r.rule === 'none') return true;
  return (r.rule === 'ct-window' || r.rule === 'percentile') && typeof r.lower === 'number' && typeof r.upper === 'number';
}

function checkedCode(code: CodedConcept, name: string): Item {
  text(code.value, 'SH', `${name} code value`);
  text(code.scheme, 'SH', `${name} coding scheme`);
  text(code.meaning, 'LO', `${name} code meaning`);
  if (!code.value || !code.scheme || !code.meaning) throw new SegError('BAD_INPUT', `${name} needs a code value, scheme and meaning`);
  return codeItem(code);
}

function targetOf(segment: SegSegmentInput): SegmentTarget {
  const target = segment.target ?? DEFAULT_TARGET;
  if (typeof target !== 'string') return target;
  const known: SegmentTarget | undefined = (SEGMENT_TARGETS as Record<string, SegmentTarget>)[target];
  if (!known) throw new SegError('BAD_INPUT', `segment ${segment.segmentNumber}: unknown target "${target}"`);
  return known;
}

function segmentItem(segment: SegSegmentInput): Item {
  const where = `segment ${segment.segmentNumber}`;
  const { category, type } = targetOf(segment);
  if (!segment.label.trim()) throw new SegError('BAD_INPUT', `${where} needs a label`);
  const item: Item = {
    SegmentNumber: segment.segmentNumber,
    SegmentLabel: text(segment.label, 'LO', `${where} label`),
    ...(segment.description ? { SegmentDescription: text(segment.description, 'ST', `${where} description`) } : {}),
    ...algorithmAttributes(segment, where),
    SegmentedPropertyCategoryCodeSequence: [checkedCode(category, `${where} category`)],
    SegmentedPropertyTypeCodeSequence: [checkedCode(type, `${where} type`)],
  };
  if (segment.color) item.RecommendedDisplayCIELabValue = rgbToDicomLab(segment.color);
  return item;
}

/** MedSAM made it (the user drew the box): SEMIAUTOMATIC with model and normalisation; otherwise MANUAL. */
function algorithmAttributes(segment: SegSegmentInput, where: string): Item {
  const { algorithm, normalization } = segment;
  if (!algorithm) return { SegmentAlgorithmType: 'MANUAL' };
  for (const [key, value] of [['algorithm name', algorithm.name], ['model name', algorithm.modelName], ['model version', algorithm.modelVersion]]) {
    if (!value.trim()) throw new SegError('BAD_INPUT', `${where} needs a ${key}`);
  }
  if (!normalization) throw new SegError('BAD_INPUT', `${where} has an algorithm but no normalisation record`);
  return {
    SegmentAlgorithmType: 'SEMIAUTOMATIC',
    SegmentAlgorithmName: text(algorithm.name, 'LO', `${where} algorithm name`),
    SegmentationAlgorithmIdentificationSequence: [
      {
        AlgorithmFamilyCodeSequence: [codeItem(AI_ALGORITHM_FAMILY)],
        AlgorithmName: text(algorithm.modelName, 'LO', `${where} model name`),
        AlgorithmVersion: text(algorithm.modelVersion, 'LO', `${where} model version`),
        AlgorithmParameters: algorithmParameters(normalization, algorithm.decoderRun),
      },
    ],
  };
}

/** Segments must be numbered 1..n (BINARY requires it; readers such as cornerstone assume it for both). */
export function checkSegmentNumbers(segments: readonly SegSegmentInput[]): SegSegmentInput[] {
  if (segments.length === 0) throw new SegError('BAD_INPUT', 'no segments given');
  if (segments.length > 255) throw new SegError('BAD_INPUT', 'at most 255 segments fit 8-bit label maps');
  const sorted = [...segments].sort((a, b) => a.segmentNumber - b.segmentNumber);
  sorted.forEach((s, i) => {
    if (s.segmentNumber !== i + 1) {
      throw new SegError('BAD_INPUT', `segment numbers must be 1..${segments.length} without gaps or repeats, found ${sorted.map((x) => x.segmentNumber).join(', ')}`);
    }
  });
  return sorted;
}

export function segmentSequence(segments: readonly SegSegmentInput[], background: boolean): Item[] {
  const items = segments.map(segmentItem);
  if (!background) return items;
  // Pixel value 0 is what the algorithm left unlabelled: same algorithm, DICOM's Background codes.
  const first = items[0];
  return [
    {
      SegmentNumber: 0,
      SegmentLabel: 'Background',
      SegmentAlgorithmType: first.SegmentAlgorithmType,
      ...(first.SegmentAlgorithmName ? { SegmentAlgorithmName: first.SegmentAlgorithmName } : {}),
      SegmentedPropertyCategoryCodeSequence: [codeItem(BACKGROUND)],
      SegmentedPropertyTypeCodeSequence: [codeItem(BACKGROUND)],
    },
    ...items,
  ];
}
