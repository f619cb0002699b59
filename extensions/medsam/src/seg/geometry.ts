// Source geometry: every source frame with its position, orientation and spacing, ordered along the slice
// normal. The SEG's plane positions, dimension indices and pixel measures all come from here.
import { SegError } from './errors';
import type { SegSourceInstance, Vec3, Vec6 } from './types';
import { formatDS } from './vr';

export interface SourceFrame {
  readonly key: string;
  readonly sopClassUID: string;
  readonly sopInstanceUID: string;
  readonly seriesInstanceUID: string;
  /** Only for multi-frame sources (ReferencedFrameNumber). */
  readonly frameNumber?: number;
  readonly position: Vec3;
  readonly orientation: Vec6;
  readonly pixelSpacing: readonly [number, number];
  readonly sliceThickness?: number;
  /** 1-based rank of the position along the normal: the position dimension's index value. */
  readonly positionIndex: number;
}

export interface SourceGeometry {
  /** In position order (then by instance for equal positions, which are refused). */
  readonly frames: readonly SourceFrame[];
  readonly byKey: ReadonlyMap<string, SourceFrame>;
  readonly rows: number;
  readonly columns: number;
  readonly frameOfReferenceUID: string;
  readonly studyInstanceUID: string;
  /** Distance between neighbouring positions when they are evenly spaced. */
  readonly spacingBetweenSlices?: number;
}

export const frameKey = (sopInstanceUID: string, frameNumber?: number) => `${sopInstanceUID}#${frameNumber ?? 0}`;

const finite = (values: readonly number[], length: number) => values.length === length && values.every(Number.isFinite);

function checkInstance(s: SegSourceInstance): void {
  const what = `source ${s.SOPInstanceUID}`;
  if (!s.FrameOfReferenceUID) throw new SegError('BAD_SOURCE', `${what} has no FrameOfReferenceUID: DICOM-SEG needs patient geometry`);
  if (!(Number.isInteger(s.Rows) && s.Rows > 0 && Number.isInteger(s.Columns) && s.Columns > 0)) {
    throw new SegError('BAD_SOURCE', `${what} has no valid Rows/Columns`);
  }
  if (!s.PixelSpacing || !finite(s.PixelSpacing, 2) || s.PixelSpacing.some((v) => v <= 0)) {
    throw new SegError('BAD_SOURCE', `${what} has no valid PixelSpacing`);
  }
  if (!s.ImageOrientationPatient || !finite(s.ImageOrientationPatient, 6)) {
    throw new SegError('BAD_SOURCE', `${what} has no valid ImageOrientationPatient`);
  }
}

function framesOf(s: SegSourceInstance): Omit<SourceFrame, 'positionIndex'>[] {
  const base = {
    sopClassUID: s.SOPClassUID,
    sopInstanceUID: s.SOPInstanceUID,
    seriesInstanceUID: s.SeriesInstanceUID,
    pixelSpacing: s.PixelSpacing,
    sliceThickness: s.SliceThickness !== undefined && s.SliceThickness > 0 ? s.SliceThickness : undefined,
  };
  const multiFrame = (s.NumberOfFrames ?? 1) > 1 || (s.PerFrame?.length ?? 0) > 1;
  if (!multiFrame) {
    const position = s.ImagePositionPatient ?? s.PerFrame?.[0]?.ImagePositionPatient;
    if (!position || !finite(position, 3)) throw new SegError('BAD_SOURCE', `source ${s.SOPInstanceUID} has no ImagePositionPatient`);
    return [{ ...base, key: frameKey(s.SOPInstanceUID), position, orientation: s.ImageOrientationPatient }];
  }
  const perFrame = s.PerFrame ?? [];
  if (perFrame.length !== s.NumberOfFrames) {
    throw new SegError('BAD_SOURCE', `multi-frame source ${s.SOPInstanceUID} has ${s.NumberOfFrames} frames but geometry for ${perFrame.length}`);
  }
  return perFrame.map((f, i) => {
    if (!finite(f.ImagePositionPatient, 3)) throw new SegError('BAD_SOURCE', `frame ${i + 1} of ${s.SOPInstanceUID} has no ImagePositionPatient`);
    const orientation = f.ImageOrientationPatient ?? s.ImageOrientationPatient;
    if (!finite(orientation, 6)) throw new SegError('BAD_SOURCE', `frame ${i + 1} of ${s.SOPInstanceUID} has no valid orientation`);
    return { ...base, key: frameKey(s.SOPInstanceUID, i + 1), frameNumber: i + 1, position: f.ImagePositionPatient, orientation };
  });
}

export function normal(o: Vec6): Vec3 {
  return [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** Evenly spaced positions (within 1 %) → their spacing; a single position → undefined. */
function evenSpacing(distances: readonly number[]): number | undefined {
  if (distances.length < 2) return undefined;
  const gaps = distances.slice(1).map((d, i) => d - distances[i]);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (!(mean > 0) || gaps.some((g) => Math.abs(g - mean) > 0.01 * mean)) return undefined;
  return mean;
}

/** Validates the sources against each other and orders their frames along the slice normal. */
export function sourceGeometry(sources: readonly SegSourceInstance[]): SourceGeometry {
  if (sources.length === 0) throw new SegError('BAD_INPUT', 'no source images given');
  sources.forEach(checkInstance);
  const first = sources[0];
  for (const s of sources) {
    if (s.Rows !== first.Rows || s.Columns !== first.Columns) {
      throw new SegError('BAD_SOURCE', `sources differ in size (${s.Rows}×${s.Columns} vs ${first.Rows}×${first.Columns}): one SEG covers one image size`);
    }
    if (s.FrameOfReferenceUID !== first.FrameOfReferenceUID) throw new SegError('BAD_SOURCE', 'sources are in different frames of reference');
    if (s.StudyInstanceUID !== first.StudyInstanceUID) throw new SegError('BAD_SOURCE', 'sources belong to different studies');
  }
  const n = normal(first.ImageOrientationPatient);
  const unordered = sources.flatMap(framesOf);
  const seen = new Set<string>();
  for (const f of unordered) {
    if (seen.has(f.key)) throw new SegError('BAD_INPUT', `source ${f.sopInstanceUID} is listed twice`);
    seen.add(f.key);
  }
  // Positions are identified by the text written into the file: equal text is one plane.
  const positionText = (p: Vec3) => p.map(formatDS).join('\\');
  const byPosition = new Map<string, number>();
  for (const f of unordered) byPosition.set(positionText(f.position), dot(f.position, n));
  if (byPosition.size !== unordered.length) {
    throw new SegError('BAD_SOURCE', 'two source frames share one position (a multi-phase series?): pick one phase to segment');
  }
  const ordered = [...byPosition.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const rank = new Map(ordered.map(([text], i) => [text, i + 1]));
  const frames = unordered
    .map((f) => ({ ...f, positionIndex: rank.get(positionText(f.position))! }))
    .sort((a, b) => a.positionIndex - b.positionIndex);
  const spacingBetweenSlices = evenSpacing(ordered.map(([, d]) => d)) ?? positiveOrUndefined(first.SpacingBetweenSlices);
  return {
    frames,
    byKey: new Map(frames.map((f) => [f.key, f])),
    rows: first.Rows,
    columns: first.Columns,
    frameOfReferenceUID: first.FrameOfReferenceUID,
    studyInstanceUID: first.StudyInstanceUID,
    spacingBetweenSlices,
  };
}

function positiveOrUndefined(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Pixel Measures needs a slice thickness: the source's, else the slice spacing (RT Dose grids have none). */
export function thicknessOf(frame: SourceFrame, geometry: SourceGeometry): number {
  const t = frame.sliceThickness ?? geometry.spacingBetweenSlices;
  if (t === undefined) {
    throw new SegError('BAD_SOURCE', `source ${frame.sopInstanceUID} has no SliceThickness and no slice spacing to stand in for it`);
  }
  return t;
}
