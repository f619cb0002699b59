// buildSegmentation: MedSAM label maps + source metadata → one DICOM-SEG Part 10 file. Pure: no viewer, no
// clock unless contentDateTime is left out, no random UIDs (the caller owns them, so a retried store
// reuses them).
import { dimensionModule } from './dimensions';
import { SegError } from './errors';
import { encodeFrames, planFrames } from './frames';
import { sourceGeometry, type SourceFrame } from './geometry';
import { matchMasks, segmentsOverlap } from './masks';
import { writePart10, type Dataset } from './part10';
import { checkSegmentNumbers, segmentSequence } from './segments';
import type { SegBuildOptions, SegmentationInput, SegSopClass, SegSourceInstance } from './types';
import { dicomDateTime, formatDS, formatIS, personName, sourceDate, sourceTime, text, toCodeString, uid } from './vr';

export const SOP_CLASS_UID: Record<SegSopClass, string> = {
  binary: '1.2.840.10008.5.1.4.1.1.66.4',
  labelmap: '1.2.840.10008.5.1.4.1.1.66.7',
};

/**
 * BINARY: every DICOM-SEG reader (PACS, dciodvfy, highdicom, dcmqi/Slicer, OHIF 2 and 3) understands it;
 * Label Map Segmentation (DICOM 2024, Sup 243) is not yet known to most of them, dicom3tools 2022 included.
 */
export const DEFAULT_SOP_CLASS: SegSopClass = 'binary';

const DEFAULTS = {
  seriesNumber: 9901,
  seriesDescription: 'MedSAM segmentation',
  contentLabel: 'MEDSAM',
  manufacturer: 'medsam-ohif',
  manufacturerModelName: 'MedSAM OHIF extension',
  deviceSerialNumber: '1',
  softwareVersions: '0.1.0',
} as const;

function patientAndStudy(s: SegSourceInstance): Dataset {
  const copy = (value: string | undefined, vr: 'LO' | 'SH' | 'CS', name: string) => text((value ?? '').trim(), vr, name);
  return {
    PatientName: personName(s.PatientName, 'PatientName'),
    PatientID: copy(s.PatientID, 'LO', 'PatientID'),
    PatientBirthDate: sourceDate(s.PatientBirthDate),
    PatientSex: ['M', 'F', 'O'].includes((s.PatientSex ?? '').trim()) ? s.PatientSex!.trim() : '',
    StudyInstanceUID: uid(s.StudyInstanceUID, 'StudyInstanceUID'),
    StudyDate: sourceDate(s.StudyDate),
    StudyTime: sourceTime(s.StudyTime),
    ReferringPhysicianName: personName(s.ReferringPhysicianName, 'ReferringPhysicianName'),
    StudyID: copy(s.StudyID, 'SH', 'StudyID'),
    AccessionNumber: copy(s.AccessionNumber, 'SH', 'AccessionNumber'),
    ...(s.StudyDescription ? { StudyDescription: copy(s.StudyDescription, 'LO', 'StudyDescription') } : {}),
  };
}

function equipment(o: SegBuildOptions): Dataset {
  const versions = [o.softwareVersions ?? DEFAULTS.softwareVersions].flat();
  return {
    Manufacturer: text(o.manufacturer ?? DEFAULTS.manufacturer, 'LO', 'manufacturer'),
    ManufacturerModelName: text(o.manufacturerModelName ?? DEFAULTS.manufacturerModelName, 'LO', 'manufacturerModelName'),
    DeviceSerialNumber: text(o.deviceSerialNumber ?? DEFAULTS.deviceSerialNumber, 'LO', 'deviceSerialNumber'),
    SoftwareVersions: versions.map((v) => text(v, 'LO', 'softwareVersions')),
  };
}

/** A lossy source makes the SEG "lossy" too (C.8.20.2.2), with the source's ratio and method. */
function lossy(sources: readonly SegSourceInstance[]): Dataset {
  const lossySource = sources.find((s) => (s.LossyImageCompression ?? '').trim() === '01');
  if (!lossySource) return { LossyImageCompression: '00' };
  return {
    LossyImageCompression: '01',
    ...(lossySource.LossyImageCompressionRatio?.length ? { LossyImageCompressionRatio: lossySource.LossyImageCompressionRatio.map(formatDS) } : {}),
    ...(lossySource.LossyImageCompressionMethod?.length ? { LossyImageCompressionMethod: [...lossySource.LossyImageCompressionMethod] } : {}),
  };
}

/** Common Instance Reference: each referenced source instance once, grouped by series. */
function referencedSeries(referenced: readonly SourceFrame[]): Dataset[] {
  const bySeries = new Map<string, Map<string, string>>();
  for (const f of referenced) {
    const instances = bySeries.get(f.seriesInstanceUID) ?? new Map<string, string>();
    instances.set(f.sopInstanceUID, f.sopClassUID);
    bySeries.set(f.seriesInstanceUID, instances);
  }
  return [...bySeries].map(([series, instances]) => ({
    SeriesInstanceUID: series,
    ReferencedInstanceSequence: [...instances].map(([sop, cls]) => ({ ReferencedSOPClassUID: cls, ReferencedSOPInstanceUID: sop })),
  }));
}

function checkSourceUids(sources: readonly SegSourceInstance[]): void {
  for (const s of sources) {
    uid(s.SOPClassUID, 'source SOPClassUID');
    uid(s.SOPInstanceUID, 'source SOPInstanceUID');
    uid(s.SeriesInstanceUID, 'source SeriesInstanceUID');
    uid(s.FrameOfReferenceUID, 'source FrameOfReferenceUID');
  }
}

export function buildSegmentation(input: SegmentationInput): Uint8Array {
  const { sources, options: o } = input;
  const sopClass = o.sopClass ?? DEFAULT_SOP_CLASS;
  if (!(sopClass in SOP_CLASS_UID)) throw new SegError('BAD_INPUT', `sopClass must be "binary" or "labelmap", got ${JSON.stringify(sopClass)}`);
  checkSourceUids(sources);
  const segments = checkSegmentNumbers(input.segments);
  const geometry = sourceGeometry(sources);
  const masks = matchMasks(input.frames, geometry, segments.length);
  const overlap = segmentsOverlap(masks);
  if (overlap && sopClass === 'labelmap') {
    throw new SegError('BAD_INPUT', 'segments overlap, and a Label Map SEG holds one segment per voxel: save as BINARY (Segmentation Storage)');
  }
  const planned = planFrames(sopClass, geometry, masks, segments.length, o.omitEmptyFrames ?? true);
  const encoded = encodeFrames(sopClass, geometry, planned, masks);
  const { date, time } = dicomDateTime(o.contentDateTime ?? new Date());
  const labelmap = sopClass === 'labelmap';
  const bits = labelmap ? 8 : 1;

  const dataset: Dataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['DERIVED', 'PRIMARY'],
    SOPClassUID: SOP_CLASS_UID[sopClass],
    SOPInstanceUID: uid(o.sopInstanceUID, 'sopInstanceUID'),
    SeriesDate: date,
    SeriesTime: time,
    ContentDate: date,
    ContentTime: time,
    Modality: 'SEG',
    SeriesDescription: text(o.seriesDescription ?? DEFAULTS.seriesDescription, 'LO', 'seriesDescription'),
    ...equipment(o),
    ...patientAndStudy(sources[0]),
    SeriesInstanceUID: uid(o.seriesInstanceUID, 'seriesInstanceUID'),
    SeriesNumber: formatIS(o.seriesNumber ?? DEFAULTS.seriesNumber, 'seriesNumber'),
    InstanceNumber: formatIS(o.instanceNumber ?? 1, 'instanceNumber'),
    FrameOfReferenceUID: geometry.frameOfReferenceUID,
    PositionReferenceIndicator: '',
    ...dimensionModule(sopClass),
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: String(encoded.frames.length),
    Rows: geometry.rows,
    Columns: geometry.columns,
    BitsAllocated: bits,
    BitsStored: bits,
    HighBit: bits - 1,
    PixelRepresentation: 0,
    ...(labelmap ? { PixelPaddingValue: 0 } : {}),
    ...lossy(sources),
    ReferencedSeriesSequence: referencedSeries(encoded.referenced),
    SegmentationType: labelmap ? 'LABELMAP' : 'BINARY',
    SegmentsOverlap: overlap ? 'YES' : 'NO',
    SegmentSequence: segmentSequence(segments, labelmap && o.describeBackground === true),
    ContentLabel: toCodeString(o.contentLabel ?? DEFAULTS.contentLabel, DEFAULTS.contentLabel),
    ContentDescription: o.contentDescription ? text(o.contentDescription, 'LO', 'contentDescription') : '',
    ContentCreatorName: personName(o.contentCreatorName, 'contentCreatorName'),
    SharedFunctionalGroupsSequence: [encoded.shared],
    PerFrameFunctionalGroupsSequence: encoded.perFrame,
    _vrMap: { PixelPaddingValue: 'US' },
  };
  return writePart10(dataset, encoded.pixelData);
}
