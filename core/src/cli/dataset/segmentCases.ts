// One SEG → the training cases it holds: each selected segment with the source slices it covers, the
// source images decoded and checked against the SEG's geometry, and the series' normalisation.
// The SEG reader is the extension's (pure dcmjs, no viewer code): one reader for the viewer and the CLI.
import { readDicomImage, type DicomSourceImage } from '../../io/readDicom';
import { getString, parseDicom } from '../../io/dicomDataset';
import { percentileBounds, type NormalizationSpec } from '../../pipeline/normalize';
import { readSegmentation } from '../../../../extensions/medsam/src/seg/readSegmentation';
import type { ReadSegment } from '../../../../extensions/medsam/src/seg/types';
import { ObjectProblem, type DatasetSource, type SegRef } from './source';

export interface SegmentFilter {
  /** Segment labels, compared case-insensitively. */
  readonly labels?: readonly string[];
  /** SNOMED (or other) type code values or meanings, case-insensitive, e.g. "10200004" or "Liver". */
  readonly types?: readonly string[];
  /** Slices where the segment has fewer pixels are left out. */
  readonly minArea: number;
}

export interface CaseSlice {
  readonly sopInstanceUID: string;
  readonly frameNumber?: number;
  readonly image: DicomSourceImage;
  /** 0/1 on the source image's grid. */
  readonly mask: Uint8Array;
  readonly areaPixels: number;
}

export interface PlannedCase {
  readonly id: string;
  readonly patientId: string;
  readonly studyDate?: string;
  readonly studyInstanceUID: string;
  readonly sourceSeriesInstanceUID: string;
  readonly seg: { readonly sopInstanceUID: string; readonly seriesInstanceUID: string; readonly where: string };
  readonly segment: Pick<ReadSegment, 'segmentNumber' | 'label' | 'category' | 'type'>;
  readonly normalization: NormalizationSpec;
  readonly slices: readonly CaseSlice[];
}

export interface Skipped {
  readonly object: string;
  readonly reason: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const matches = (wanted: readonly string[] | undefined, ...values: string[]) =>
  !wanted || wanted.some((w) => values.some((v) => v.toLowerCase() === w.toLowerCase()));

/** Geometry the SEG frame claims vs the source image it references; a mismatch would pair wrong pixels. */
function checkGeometry(segRows: number, segColumns: number, framePosition: readonly number[] | undefined, image: DicomSourceImage, segWhere: string, sop: string) {
  if (image.rows !== segRows || image.columns !== segColumns) {
    throw new ObjectProblem(segWhere, `mismatched geometry: the SEG is ${segRows}×${segColumns} but its source image ${sop} is ${image.rows}×${image.columns}`);
  }
  const position = image.dicom.imagePositionPatient;
  if (framePosition && position) {
    const distance = Math.hypot(...position.map((p, i) => p - framePosition[i]));
    if (distance > 0.01) {
      throw new ObjectProblem(segWhere, `mismatched geometry: a SEG frame lies at (${framePosition.join(', ')}) but its source image ${sop} at (${position.join(', ')}), ${distance.toFixed(2)} mm apart`);
    }
  }
}

/** Normalisation for one series: CT uses the window asked for; anything else the 0.5/99.5 percentiles over the whole series (as at inference). */
function seriesNormalization(images: readonly DicomSourceImage[], ct: NormalizationSpec): NormalizationSpec {
  const first = images[0];
  if (first.samplesPerPixel === 3) return { kind: 'rgb' };
  if (first.modality.toUpperCase() === 'CT') return ct;
  return { kind: 'percentile', bounds: percentileBounds(images) };
}

export async function casesOfSeg(
  source: DatasetSource,
  ref: SegRef,
  filter: SegmentFilter,
  ctNormalization: NormalizationSpec,
  skip: (s: Skipped) => void,
): Promise<PlannedCase[]> {
  const bytes = await source.readSeg(ref);
  let seg;
  let patientId: string;
  try {
    seg = readSegmentation(bytes);
    patientId = getString(parseDicom(bytes).dataset, 'PatientID') || '(no PatientID)';
  } catch (e) {
    throw new ObjectProblem(ref.where, `unreadable SEG: ${message(e)}`);
  }
  const wanted = seg.segments.filter((s) => matches(filter.labels, s.label) && matches(filter.types, s.type.value, s.type.meaning));
  if (wanted.length === 0) return [];

  // Every instance of the referenced series (the SEG's study): the pixels, and the series for percentiles.
  const images = new Map<string, { image: DicomSourceImage; series: string }>();
  const seriesImages = new Map<string, DicomSourceImage[]>();
  for (const series of seg.referencedSeriesInstanceUIDs) {
    const instances = await source.readSeries(seg.studyInstanceUID, series);
    const decoded: DicomSourceImage[] = [];
    for (const [sop, data] of instances) {
      try {
        const image = readDicomImage(data);
        images.set(sop, { image, series });
        decoded.push(image);
      } catch (e) {
        skip({ object: `${source.description}: image ${sop}`, reason: `unreadable source image: ${message(e)}` });
      }
    }
    if (decoded.length) seriesImages.set(series, decoded);
  }

  const cases: PlannedCase[] = [];
  for (const segment of wanted) {
    const segName = `${ref.where} segment ${segment.segmentNumber} "${segment.label}"`;
    const slices: CaseSlice[] = [];
    let series: string | undefined;
    let voxels = 0;
    for (const frame of seg.frames) {
      let area = 0;
      for (const v of frame.labels) if (v === segment.segmentNumber) area++;
      voxels += area;
      if (area === 0 || area < filter.minArea) continue;
      const found = images.get(frame.sopInstanceUID);
      if (!found) {
        skip({ object: `${segName}, source image ${frame.sopInstanceUID}`, reason: `the SEG's source image is missing from ${source.description}: slice left out` });
        continue;
      }
      if (frame.frameNumber !== undefined && frame.frameNumber > 1) {
        // Multi-frame sources: decode the referenced frame (1-based in DICOM, 0-based in the reader).
        found.image = readDicomImage(await source.readSeries(seg.studyInstanceUID, found.series).then((m) => m.get(frame.sopInstanceUID)!), frame.frameNumber - 1);
      }
      checkGeometry(seg.rows, seg.columns, frame.imagePositionPatient, found.image, ref.where, frame.sopInstanceUID);
      const mask = new Uint8Array(frame.labels.length);
      for (let k = 0; k < mask.length; k++) mask[k] = frame.labels[k] === segment.segmentNumber ? 1 : 0;
      slices.push({ sopInstanceUID: frame.sopInstanceUID, ...(frame.frameNumber !== undefined ? { frameNumber: frame.frameNumber } : {}), image: found.image, mask, areaPixels: area });
      series = found.series;
    }
    if (voxels === 0) {
      skip({ object: segName, reason: 'empty segment: it has no voxel on any frame' });
      continue;
    }
    if (slices.length === 0 || series === undefined) {
      skip({ object: segName, reason: `no usable slice (source images missing, or every slice under --min-area ${filter.minArea} px)` });
      continue;
    }
    cases.push({
      id: `${seg.sopInstanceUID}-${segment.segmentNumber}`,
      patientId,
      ...(ref.studyDate ? { studyDate: ref.studyDate } : {}),
      studyInstanceUID: seg.studyInstanceUID,
      sourceSeriesInstanceUID: series,
      seg: { sopInstanceUID: seg.sopInstanceUID, seriesInstanceUID: seg.seriesInstanceUID, where: ref.where },
      segment: { segmentNumber: segment.segmentNumber, label: segment.label, category: segment.category, type: segment.type },
      normalization: seriesNormalization(seriesImages.get(series)!, ctNormalization),
      slices,
    });
  }
  return cases;
}
