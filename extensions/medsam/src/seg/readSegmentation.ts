// readSegmentation: a BINARY or LABELMAP DICOM-SEG back to segment descriptions and one label map per
// referenced source frame, so a store → retrieve round trip can be compared voxel by voxel.
import { dicomLabToRgb } from './color';
import type { CodedConcept } from './codes';
import { SegError } from './errors';
import { frameKey } from './geometry';
import { readPart10, type Dataset } from './part10';
import { LayeredLabels } from './labelLayers';
import { unpackBitsFrame } from './pixels';
import { parseAlgorithmParameters } from './segments';
import type { ReadFrame, ReadSegment, ReadSegmentation, Vec3 } from './types';

const SEG_SOP_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7']);
const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const item = (v: unknown): Dataset | undefined => {
  const x = first(v);
  return typeof x === 'object' && x !== null && !(x instanceof ArrayBuffer) ? (x as Dataset) : undefined;
};
const str = (v: unknown): string | undefined => {
  const x = first(v);
  return typeof x === 'string' ? x.trim() : typeof x === 'number' ? String(x) : undefined;
};
const num = (v: unknown): number | undefined => {
  const x = first(v);
  const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

function code(v: unknown): CodedConcept {
  const c = item(v);
  return { value: str(c?.CodeValue) ?? '', scheme: str(c?.CodingSchemeDesignator) ?? '', meaning: str(c?.CodeMeaning) ?? '' };
}

function readSegment(s: Dataset): ReadSegment {
  const algorithm = item(s.SegmentationAlgorithmIdentificationSequence);
  const parameters = str(algorithm?.AlgorithmParameters);
  const lab = Array.isArray(s.RecommendedDisplayCIELabValue) ? (s.RecommendedDisplayCIELabValue as number[]) : undefined;
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  return {
    segmentNumber: num(s.SegmentNumber) ?? -1,
    label: str(s.SegmentLabel) ?? '',
    ...optional('description', str(s.SegmentDescription)),
    algorithmType: str(s.SegmentAlgorithmType) ?? '',
    ...optional('algorithmName', str(s.SegmentAlgorithmName)),
    ...optional('modelName', str(algorithm?.AlgorithmName)),
    ...optional('modelVersion', str(algorithm?.AlgorithmVersion)),
    ...optional('algorithmParameters', parameters),
    ...optional('normalization', parseAlgorithmParameters(parameters)),
    category: code(s.SegmentedPropertyCategoryCodeSequence),
    type: code(s.SegmentedPropertyTypeCodeSequence),
    ...optional('color', lab?.length === 3 ? dicomLabToRgb(lab) : undefined),
  };
}

/** dcmjs hands native Pixel Data over as a list of ArrayBuffers. */
function pixelBytes(v: unknown): Uint8Array {
  const parts = (Array.isArray(v) ? v : [v]).filter((p): p is ArrayBuffer => p instanceof ArrayBuffer);
  if (parts.length === 0) throw new SegError('BAD_SEG', 'the SEG has no Pixel Data');
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

function frameDecoder(ds: Dataset, bytes: Uint8Array, length: number): (i: number) => Uint8Array {
  const bits = num(ds.BitsAllocated);
  if (bits === 1) return (i) => unpackBitsFrame(bytes, i, length);
  if (bits === 8) return (i) => bytes.slice(i * length, (i + 1) * length);
  if (bits === 16) {
    return (i) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset + i * length * 2, length * 2);
      return Uint8Array.from({ length }, (_, k) => {
        const v = view.getUint16(k * 2, true);
        if (v > 255) throw new SegError('BAD_SEG', `label value ${v} does not fit this reader's 8-bit label maps`);
        return v;
      });
    };
  }
  throw new SegError('BAD_SEG', `unsupported Bits Allocated ${String(bits)}`);
}

export function readSegmentation(bytes: Uint8Array): ReadSegmentation {
  const { transferSyntaxUID, dataset: ds } = readPart10(bytes);
  const sopClassUID = str(ds.SOPClassUID) ?? '';
  if (!SEG_SOP_CLASSES.has(sopClassUID)) throw new SegError('BAD_SEG', `not a segmentation (SOP Class ${sopClassUID})`);
  if (!UNCOMPRESSED.has(transferSyntaxUID)) throw new SegError('BAD_SEG', `compressed SEG (transfer syntax ${transferSyntaxUID}) is not supported`);
  const type = str(ds.SegmentationType);
  if (type !== 'BINARY' && type !== 'LABELMAP') throw new SegError('BAD_SEG', `Segmentation Type ${String(type)} is not supported`);
  const rows = num(ds.Rows) ?? 0;
  const columns = num(ds.Columns) ?? 0;
  const count = num(ds.NumberOfFrames) ?? 1;
  const length = rows * columns;
  const perFrame = Array.isArray(ds.PerFrameFunctionalGroupsSequence) ? (ds.PerFrameFunctionalGroupsSequence as Dataset[]) : [];
  if (perFrame.length !== count) throw new SegError('BAD_SEG', `${count} frames but ${perFrame.length} per-frame functional groups`);
  const shared = item(ds.SharedFunctionalGroupsSequence);
  const decode = frameDecoder(ds, pixelBytes(ds.PixelData), length);

  const frames = new Map<string, { sopInstanceUID: string; frameNumber?: number; imagePositionPatient?: Vec3; layered: LayeredLabels }>();
  perFrame.forEach((fg, i) => {
    const source = item(item(fg.DerivationImageSequence)?.SourceImageSequence) ?? item(item(shared?.DerivationImageSequence)?.SourceImageSequence);
    const sopInstanceUID = str(source?.ReferencedSOPInstanceUID);
    if (!sopInstanceUID) throw new SegError('BAD_SEG', `frame ${i + 1} references no source image`);
    const frameNumber = num(source?.ReferencedFrameNumber);
    const key = frameKey(sopInstanceUID, frameNumber);
    const position = item(fg.PlanePositionSequence)?.ImagePositionPatient;
    const entry = frames.get(key) ?? {
      sopInstanceUID,
      ...(frameNumber !== undefined ? { frameNumber } : {}),
      ...(Array.isArray(position) && position.length === 3 ? { imagePositionPatient: position.map(Number) as [number, number, number] } : {}),
      layered: new LayeredLabels(length),
    };
    frames.set(key, entry);
    const pixels = decode(i);
    const segment = type === 'BINARY' ? num((item(fg.SegmentIdentificationSequence) ?? item(shared?.SegmentIdentificationSequence))?.ReferencedSegmentNumber) : undefined;
    if (type === 'BINARY' && segment === undefined) throw new SegError('BAD_SEG', `frame ${i + 1} names no segment`);
    for (let k = 0; k < length; k++) {
      const value = segment === undefined ? pixels[k] : pixels[k] ? segment : 0;
      if (value !== 0) entry.layered.add(k, value);
    }
  });

  const segments = (Array.isArray(ds.SegmentSequence) ? (ds.SegmentSequence as Dataset[]) : [])
    .map(readSegment)
    .filter((s) => s.segmentNumber !== 0); // a label map's described background is no segment
  const referencedSeries = Array.isArray(ds.ReferencedSeriesSequence) ? (ds.ReferencedSeriesSequence as Dataset[]) : [];
  return {
    sopClassUID,
    sopInstanceUID: str(ds.SOPInstanceUID) ?? '',
    seriesInstanceUID: str(ds.SeriesInstanceUID) ?? '',
    studyInstanceUID: str(ds.StudyInstanceUID) ?? '',
    ...(str(ds.FrameOfReferenceUID) ? { frameOfReferenceUID: str(ds.FrameOfReferenceUID) } : {}),
    referencedSeriesInstanceUIDs: referencedSeries.map((s) => str(s.SeriesInstanceUID) ?? ''),
    rows,
    columns,
    segments,
    frames: [...frames.values()].map(({ layered, ...frame }): ReadFrame => {
      const overlapLayers = layered.overlapLayers;
      return { ...frame, labels: layered.labels, ...(overlapLayers.length ? { overlapLayers } : {}) };
    }),
  };
}
