/** The header facts the reader and its callers need: pixel module, identity, geometry, windowing. */
import { getItem, getNumber, getNumbers, getString, type NaturalDataset } from './dicomDataset';
import { imageError } from './errors';
import { checkSampleFormat, type SampleFormat } from './pixelValues';
import { describeSopClass } from './sopClasses';

export interface PixelModule extends SampleFormat {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: 1 | 3;
  readonly photometricInterpretation: string;
  /** 0: interleaved (RGBRGB...), 1: planar (RR..GG..BB..). */
  readonly planarConfiguration: 0 | 1;
  readonly numberOfFrames: number;
}

export interface DicomImageInfo {
  readonly sopClassUID?: string;
  readonly sopInstanceUID?: string;
  readonly seriesInstanceUID?: string;
  readonly studyInstanceUID?: string;
  readonly frameOfReferenceUID?: string;
  readonly modality: string;
  readonly transferSyntaxUID: string;
  readonly transferSyntaxName: string;
  /** As stored in the file (the returned pixels may have been converted to RGB or inverted). */
  readonly photometricInterpretation: string;
  readonly numberOfFrames: number;
  /** The frame returned, 0-based. */
  readonly frame: number;
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly pixelRepresentation: 0 | 1;
  readonly instanceNumber?: number;
  readonly imagePositionPatient?: readonly [number, number, number];
  readonly imageOrientationPatient?: readonly [number, number, number, number, number, number];
  /** Row spacing, column spacing (mm). */
  readonly pixelSpacing?: readonly [number, number];
  readonly sliceThickness?: number;
  /** In the returned pixels' modality units (adjusted when MONOCHROME1 values were inverted). */
  readonly windowCenter?: number;
  readonly windowWidth?: number;
  /** True when MONOCHROME1 values were inverted so that bright means high. */
  readonly inverted: boolean;
}

function requirePositive(ds: NaturalDataset, key: string): number {
  const v = getNumber(ds, key);
  if (v === undefined || !Number.isInteger(v) || v <= 0) {
    throw imageError(`DICOM image has no valid ${key} (got ${v === undefined ? 'nothing' : v})`);
  }
  return v;
}

export function readPixelModule(ds: NaturalDataset): PixelModule {
  const rows = requirePositive(ds, 'Rows');
  const columns = requirePositive(ds, 'Columns');
  const samples = getNumber(ds, 'SamplesPerPixel') ?? 1;
  if (samples !== 1 && samples !== 3) throw imageError(`Samples per Pixel ${samples} is not supported (only 1 or 3)`);
  const bitsAllocated = requirePositive(ds, 'BitsAllocated');
  const bitsStored = getNumber(ds, 'BitsStored') ?? bitsAllocated;
  const format: SampleFormat = {
    bitsAllocated,
    bitsStored,
    highBit: getNumber(ds, 'HighBit') ?? bitsStored - 1,
    signed: getNumber(ds, 'PixelRepresentation') === 1,
  };
  checkSampleFormat(format);
  const frames = getNumber(ds, 'NumberOfFrames');
  return {
    ...format,
    rows,
    columns,
    samplesPerPixel: samples,
    photometricInterpretation: (
      getString(ds, 'PhotometricInterpretation') ?? (samples === 3 ? 'RGB' : 'MONOCHROME2')
    ).toUpperCase(),
    planarConfiguration: getNumber(ds, 'PlanarConfiguration') === 1 ? 1 : 0,
    numberOfFrames: frames !== undefined && Number.isInteger(frames) && frames > 0 ? frames : 1,
  };
}

/**
 * An attribute of one frame: from that frame's item of the Per-Frame Functional Groups, then the Shared
 * Functional Groups (enhanced multi-frame objects), then the top level (classic objects).
 */
export function frameNumbers(ds: NaturalDataset, frame: number, macro: string, key: string): number[] | undefined {
  const groups = [
    getItem(ds, 'PerFrameFunctionalGroupsSequence', frame),
    getItem(ds, 'SharedFunctionalGroupsSequence'),
  ];
  for (const group of groups) {
    const item = group && getItem(group, macro);
    const values = item && getNumbers(item, key);
    if (values) return values;
  }
  return getNumbers(ds, key);
}

function tuple<N extends number>(values: number[] | undefined, n: N): number[] | undefined {
  return values && values.length >= n ? values.slice(0, n) : undefined;
}

export function readImageInfo(
  ds: NaturalDataset,
  pixel: PixelModule,
  transferSyntax: { uid: string; name: string },
  frame: number,
): DicomImageInfo {
  const spacing = tuple(frameNumbers(ds, frame, 'PixelMeasuresSequence', 'PixelSpacing'), 2);
  const position = tuple(frameNumbers(ds, frame, 'PlanePositionSequence', 'ImagePositionPatient'), 3);
  const orientation = tuple(frameNumbers(ds, frame, 'PlaneOrientationSequence', 'ImageOrientationPatient'), 6);
  return {
    sopClassUID: getString(ds, 'SOPClassUID'),
    sopInstanceUID: getString(ds, 'SOPInstanceUID'),
    seriesInstanceUID: getString(ds, 'SeriesInstanceUID'),
    studyInstanceUID: getString(ds, 'StudyInstanceUID'),
    frameOfReferenceUID: getString(ds, 'FrameOfReferenceUID'),
    modality: getString(ds, 'Modality') ?? 'OT',
    transferSyntaxUID: transferSyntax.uid,
    transferSyntaxName: transferSyntax.name,
    photometricInterpretation: pixel.photometricInterpretation,
    numberOfFrames: pixel.numberOfFrames,
    frame,
    rows: pixel.rows,
    columns: pixel.columns,
    bitsAllocated: pixel.bitsAllocated,
    bitsStored: pixel.bitsStored,
    pixelRepresentation: pixel.signed ? 1 : 0,
    instanceNumber: getNumber(ds, 'InstanceNumber'),
    imagePositionPatient: position as DicomImageInfo['imagePositionPatient'],
    imageOrientationPatient: orientation as DicomImageInfo['imageOrientationPatient'],
    pixelSpacing: spacing as DicomImageInfo['pixelSpacing'],
    sliceThickness: frameNumbers(ds, frame, 'PixelMeasuresSequence', 'SliceThickness')?.[0],
    windowCenter: frameNumbers(ds, frame, 'FrameVOILUTSequence', 'WindowCenter')?.[0],
    windowWidth: frameNumbers(ds, frame, 'FrameVOILUTSequence', 'WindowWidth')?.[0],
    inverted: false,
  };
}

/** Rescale Slope / Intercept of a frame; 1 and 0 when absent (e.g. most MR). */
export function readRescale(ds: NaturalDataset, frame: number): { slope: number; intercept: number } {
  const slope = frameNumbers(ds, frame, 'PixelValueTransformationSequence', 'RescaleSlope')?.[0];
  const intercept = frameNumbers(ds, frame, 'PixelValueTransformationSequence', 'RescaleIntercept')?.[0];
  return { slope: slope === undefined || slope === 0 ? 1 : slope, intercept: intercept ?? 0 };
}

export function requirePixelData(ds: NaturalDataset): unknown[] {
  const pixelData = ds.PixelData;
  if (Array.isArray(pixelData) && pixelData.length > 0) return pixelData;
  const sopClass = describeSopClass(getString(ds, 'SOPClassUID'));
  if (ds.FloatPixelData !== undefined || ds.DoubleFloatPixelData !== undefined) {
    throw imageError(`DICOM object has float pixel data, which is not supported (${sopClass})`);
  }
  throw imageError(`DICOM object has no pixel data (${sopClass})`);
}
