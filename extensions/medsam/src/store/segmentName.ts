import { SEGMENT_TARGETS, type SegmentTargetKey } from '../seg/codes';

/** Names the viewer or MedSAM gives a segment on its own; anything else the reader typed. */
function isGivenName(label: string, segmentIndex: number, previous: SegmentTargetKey | undefined): boolean {
  const given = ['', `MedSAM ${segmentIndex}`, `Segment ${segmentIndex}`];
  if (previous) given.push(SEGMENT_TARGETS[previous].type.meaning);
  return given.includes(label.trim());
}

/**
 * The name a segment takes when the reader says what it is ("Liver"), or null to keep its name: a name the
 * reader typed is never replaced, and Tissue (the default, "not said") names nothing.
 */
export function nameForTarget(label: string, segmentIndex: number, previous: SegmentTargetKey | undefined, chosen: SegmentTargetKey): string | null {
  if (chosen === 'tissue' || !isGivenName(label, segmentIndex, previous)) return null;
  const name = SEGMENT_TARGETS[chosen].type.meaning;
  return name === label ? null : name;
}
