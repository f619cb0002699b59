// The SEG's frames: which source frames (and, for BINARY, which segments) get one, their per-frame
// functional groups, the shared groups, and the Pixel Data. Frames are ordered segment by segment (BINARY)
// and along the slice normal (the order dcmjs writes too).
import { codeItem, SEGMENTATION_DERIVATION, SOURCE_IMAGE_PURPOSE } from './codes';
import { SegError } from './errors';
import { thicknessOf, type SourceFrame, type SourceGeometry } from './geometry';
import type { MaskedFrame } from './masks';
import { concatBytes, packBits } from './pixels';
import type { SegSopClass } from './types';
import { formatDS } from './vr';

type Item = Record<string, unknown>;

export interface PlannedFrame {
  readonly source: SourceFrame;
  /** BINARY: the segment this frame is the bit plane of. */
  readonly segmentNumber?: number;
}

export interface EncodedFrames {
  readonly frames: readonly PlannedFrame[];
  readonly perFrame: Item[];
  readonly shared: Item;
  readonly pixelData: Uint8Array;
  /** Every source frame referenced, in SEG frame order, each once. */
  readonly referenced: readonly SourceFrame[];
}

const EMPTY = new Uint8Array(0);

export function planFrames(
  sopClass: SegSopClass,
  geometry: SourceGeometry,
  masks: ReadonlyMap<string, MaskedFrame>,
  segmentCount: number,
  omitEmpty: boolean,
): PlannedFrame[] {
  const has = (f: SourceFrame, segment?: number) => {
    const m = masks.get(f.key);
    return m !== undefined && (segment === undefined ? m.present.size > 0 : m.present.has(segment));
  };
  const planned: PlannedFrame[] =
    sopClass === 'labelmap'
      ? geometry.frames.filter((f) => !omitEmpty || has(f)).map((source) => ({ source }))
      : Array.from({ length: segmentCount }, (_, i) => i + 1).flatMap((segmentNumber) =>
          geometry.frames.filter((f) => !omitEmpty || has(f, segmentNumber)).map((source) => ({ source, segmentNumber })),
        );
  if (planned.length === 0) throw new SegError('EMPTY', 'the segmentation is empty: no segment has a single voxel');
  return planned;
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => formatDS(v) === formatDS(b[i]));

function pixelMeasures(f: SourceFrame, geometry: SourceGeometry): Item {
  return {
    PixelSpacing: f.pixelSpacing.map(formatDS),
    SliceThickness: formatDS(thicknessOf(f, geometry)),
    ...(geometry.spacingBetweenSlices !== undefined ? { SpacingBetweenSlices: formatDS(geometry.spacingBetweenSlices) } : {}),
  };
}

function derivation(f: SourceFrame): Item {
  return {
    DerivationCodeSequence: [codeItem(SEGMENTATION_DERIVATION)],
    SourceImageSequence: [
      {
        ReferencedSOPClassUID: f.sopClassUID,
        ReferencedSOPInstanceUID: f.sopInstanceUID,
        ...(f.frameNumber !== undefined ? { ReferencedFrameNumber: String(f.frameNumber) } : {}),
        PurposeOfReferenceCodeSequence: [codeItem(SOURCE_IMAGE_PURPOSE)],
      },
    ],
  };
}

/** Functional groups that are equal for every frame go to the shared sequence, the others per frame. */
export function encodeFrames(sopClass: SegSopClass, geometry: SourceGeometry, planned: readonly PlannedFrame[], masks: ReadonlyMap<string, MaskedFrame>): EncodedFrames {
  const sources = planned.map((p) => p.source);
  const measures = sources.map((f) => pixelMeasures(f, geometry));
  const sharedMeasures = measures.every((m) => JSON.stringify(m) === JSON.stringify(measures[0]));
  const sharedOrientation = sources.every((f) => same(f.orientation, sources[0].orientation));
  const orientationItem = (f: SourceFrame) => ({ ImageOrientationPatient: f.orientation.map(formatDS) });

  const perFrame = planned.map((p, i): Item => ({
    DerivationImageSequence: [derivation(p.source)],
    FrameContentSequence: [
      { DimensionIndexValues: p.segmentNumber !== undefined ? [p.segmentNumber, p.source.positionIndex] : [p.source.positionIndex] },
    ],
    PlanePositionSequence: [{ ImagePositionPatient: p.source.position.map(formatDS) }],
    ...(sharedOrientation ? {} : { PlaneOrientationSequence: [orientationItem(p.source)] }),
    ...(sharedMeasures ? {} : { PixelMeasuresSequence: [measures[i]] }),
    ...(p.segmentNumber !== undefined ? { SegmentIdentificationSequence: [{ ReferencedSegmentNumber: p.segmentNumber }] } : {}),
  }));
  const shared: Item = {
    ...(sharedMeasures ? { PixelMeasuresSequence: [measures[0]] } : {}),
    ...(sharedOrientation ? { PlaneOrientationSequence: [orientationItem(sources[0])] } : {}),
  };

  const length = geometry.rows * geometry.columns;
  const layersOf = (f: SourceFrame) => masks.get(f.key)?.layers ?? [EMPTY];
  const pixelData =
    sopClass === 'labelmap'
      ? concatBytes(planned.map((p) => layersOf(p.source)[0]), length)
      : packBits(planned.map((p) => ({ layers: layersOf(p.source), segment: p.segmentNumber! })), length);

  const referenced = [...new Map(sources.map((f) => [f.key, f])).values()];
  return { frames: planned, perFrame, shared, pixelData, referenced };
}
