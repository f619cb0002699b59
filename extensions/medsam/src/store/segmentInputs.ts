import type { Types as ToolsTypes } from '@cornerstonejs/tools';
import { DEFAULT_TARGET, type SegSegmentInput, type SegmentTargetKey } from '../seg';
import type { ProvenanceLog } from './provenance';
import { targetKey } from './saveState';

export interface SegmentInputsArgs {
  readonly segmentation: ToolsTypes.Segmentation;
  /** Viewer segment index → SEG segment number. */
  readonly numbering: ReadonlyMap<number, number>;
  readonly targets: Readonly<Record<string, SegmentTargetKey>>;
  readonly provenance: ProvenanceLog;
  readonly colorOf: (segmentIndex: number) => readonly number[] | undefined;
}

function rgb(color: readonly number[] | undefined): [number, number, number] | undefined {
  if (!color || color.length < 3 || !color.slice(0, 3).every((c) => Number.isFinite(c))) return undefined;
  return [color[0], color[1], color[2]].map((c) => Math.max(0, Math.min(255, Math.round(c)))) as [number, number, number];
}

/** A DICOM LO value: no backslash (the value separator), at most 64 characters. */
export const loText = (s: string | undefined) => (s ?? '').replace(/\\/g, '/').trim().slice(0, 64);

/** The SEG's segment descriptions: label, what it is, colour, and MedSAM provenance (or MANUAL without). */
export function segmentInputs({ segmentation, numbering, targets, provenance, colorOf }: SegmentInputsArgs): SegSegmentInput[] {
  return [...numbering].map(([segmentIndex, segmentNumber]) => {
    const segment = segmentation.segments[segmentIndex];
    const made = provenance.get(segmentation.segmentationId, segmentIndex);
    const color = rgb(colorOf(segmentIndex));
    return {
      segmentNumber,
      label: loText(segment?.label) || `Segment ${segmentIndex}`,
      target: targets[targetKey(segmentation.segmentationId, segmentIndex)] ?? DEFAULT_TARGET,
      ...(color ? { color } : {}),
      ...(made ? { algorithm: made.algorithm, normalization: made.normalization } : {}),
    };
  });
}
