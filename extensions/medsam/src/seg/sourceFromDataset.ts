// A SegSourceInstance from keyword-keyed metadata: a dcmjs-naturalised dataset or OHIF's instance metadata.
// Multi-frame geometry comes from per-frame functional groups (Enhanced CT/MR/PET, Legacy Converted) or,
// for RT Dose, from Grid Frame Offset Vector along the slice normal.
import { SegError } from './errors';
import { normal } from './geometry';
import type { SegSourceFrame, SegSourceInstance, Vec3, Vec6 } from './types';
import type { PersonNameValue } from './vr';

type Natural = Readonly<Record<string, unknown>>;

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

function num(v: unknown): number | undefined {
  const x = first(v);
  const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function nums(v: unknown, length: number): number[] | undefined {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split('\\') : [];
  const out = list.map((x: unknown) => num(x));
  return out.length === length && out.every((x) => x !== undefined) ? (out as number[]) : undefined;
}

function str(v: unknown): string | undefined {
  const x = first(v);
  return typeof x === 'string' ? x.trim() : typeof x === 'number' ? String(x) : undefined;
}

function strs(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split('\\') : [];
  const out = list.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
  return out.length ? out : undefined;
}

/** The first item of a sequence (dcmjs gives arrays; some OHIF metadata gives a bare object). */
function item(v: unknown): Natural | undefined {
  const x = first(v);
  return typeof x === 'object' && x !== null ? (x as Natural) : undefined;
}

function group(fg: Natural | undefined, sequence: string): Natural | undefined {
  return fg ? item(fg[sequence]) : undefined;
}

function perFrameGeometry(ds: Natural, frames: number, orientation: Vec6): SegSourceFrame[] {
  const perFrame = Array.isArray(ds.PerFrameFunctionalGroupsSequence) ? (ds.PerFrameFunctionalGroupsSequence as Natural[]) : undefined;
  if (perFrame) {
    return perFrame.map((fg, i) => {
      const position = nums(group(fg, 'PlanePositionSequence')?.ImagePositionPatient, 3) as Vec3 | undefined;
      if (!position) throw new SegError('BAD_SOURCE', `frame ${i + 1} has no PlanePositionSequence`);
      const own = nums(group(fg, 'PlaneOrientationSequence')?.ImageOrientationPatient, 6) as Vec6 | undefined;
      return own ? { ImagePositionPatient: position, ImageOrientationPatient: own } : { ImagePositionPatient: position };
    });
  }
  const offsets = nums(ds.GridFrameOffsetVector, frames);
  const origin = nums(ds.ImagePositionPatient, 3);
  if (offsets && origin) {
    // Offsets are along the normal, relative to the first frame (PS3.3 C.8.8.3.2).
    const n = normal(orientation);
    return offsets.map((o) => ({ ImagePositionPatient: origin.map((p, k) => p + (o - offsets[0]) * n[k]) as [number, number, number] }));
  }
  throw new SegError('BAD_SOURCE', `multi-frame ${str(ds.SOPClassUID)} without per-frame plane positions: no geometry to reference`);
}

export function sourceFromDataset(ds: Natural): SegSourceInstance {
  const shared = item(ds.SharedFunctionalGroupsSequence);
  const firstFrame = Array.isArray(ds.PerFrameFunctionalGroupsSequence) ? item(ds.PerFrameFunctionalGroupsSequence) : undefined;
  const measures = group(shared, 'PixelMeasuresSequence') ?? group(firstFrame, 'PixelMeasuresSequence') ?? ds;
  const orientation = (nums(group(shared, 'PlaneOrientationSequence')?.ImageOrientationPatient, 6) ??
    nums(group(firstFrame, 'PlaneOrientationSequence')?.ImageOrientationPatient, 6) ??
    nums(ds.ImageOrientationPatient, 6)) as Vec6 | undefined;
  const frames = num(ds.NumberOfFrames) ?? 1;
  const required = <T>(value: T | undefined, name: string): T => {
    if (value === undefined || value === '') throw new SegError('BAD_SOURCE', `source ${str(ds.SOPInstanceUID) ?? ''} has no valid ${name}`);
    return value;
  };
  return {
    SOPClassUID: required(str(ds.SOPClassUID), 'SOPClassUID'),
    SOPInstanceUID: required(str(ds.SOPInstanceUID), 'SOPInstanceUID'),
    StudyInstanceUID: required(str(ds.StudyInstanceUID), 'StudyInstanceUID'),
    SeriesInstanceUID: required(str(ds.SeriesInstanceUID), 'SeriesInstanceUID'),
    FrameOfReferenceUID: required(str(ds.FrameOfReferenceUID), 'FrameOfReferenceUID (DICOM-SEG needs patient geometry)'),
    Modality: str(ds.Modality),
    Rows: required(num(ds.Rows), 'Rows'),
    Columns: required(num(ds.Columns), 'Columns'),
    PixelSpacing: required(nums(measures.PixelSpacing, 2) as [number, number] | undefined, 'PixelSpacing'),
    ImageOrientationPatient: required(orientation, 'ImageOrientationPatient'),
    ...(frames > 1
      ? { NumberOfFrames: frames, PerFrame: perFrameGeometry(ds, frames, required(orientation, 'ImageOrientationPatient')) }
      : {
          ImagePositionPatient: required(
            (nums(ds.ImagePositionPatient, 3) ?? nums(group(firstFrame, 'PlanePositionSequence')?.ImagePositionPatient, 3)) as Vec3 | undefined,
            'ImagePositionPatient',
          ),
        }),
    SliceThickness: num(measures.SliceThickness),
    SpacingBetweenSlices: num(measures.SpacingBetweenSlices),
    PatientName: ds.PatientName as PersonNameValue | undefined,
    PatientID: str(ds.PatientID),
    PatientBirthDate: str(ds.PatientBirthDate),
    PatientSex: str(ds.PatientSex),
    StudyDate: str(ds.StudyDate),
    StudyTime: str(ds.StudyTime),
    StudyID: str(ds.StudyID),
    StudyDescription: str(ds.StudyDescription),
    AccessionNumber: str(ds.AccessionNumber),
    ReferringPhysicianName: ds.ReferringPhysicianName as PersonNameValue | undefined,
    LossyImageCompression: str(ds.LossyImageCompression),
    LossyImageCompressionRatio: nums(ds.LossyImageCompressionRatio, Array.isArray(ds.LossyImageCompressionRatio) ? ds.LossyImageCompressionRatio.length : 1),
    LossyImageCompressionMethod: strs(ds.LossyImageCompressionMethod),
  };
}
