// Multi-frame Dimension module. BINARY frames are indexed by (segment number, position), LABELMAP frames by
// position only; index values are filled in per frame by frames.ts. The organisation UIDs are fixed: every
// SEG this builder writes uses the same organisation, and fixed UIDs keep a rebuilt object byte-identical.
import type { SegSopClass } from './types';

const ORGANIZATION_UID: Record<SegSopClass, string> = {
  binary: '2.25.239342408783153786045940774674100269712',
  labelmap: '2.25.224578275116777396733735991526662343126',
};

const TAG = {
  ReferencedSegmentNumber: 0x0062000b,
  SegmentIdentificationSequence: 0x0062000a,
  ImagePositionPatient: 0x00200032,
  PlanePositionSequence: 0x00209113,
} as const;

export function dimensionModule(sopClass: SegSopClass): Record<string, unknown> {
  const uid = ORGANIZATION_UID[sopClass];
  const position = {
    DimensionOrganizationUID: uid,
    DimensionIndexPointer: TAG.ImagePositionPatient,
    FunctionalGroupPointer: TAG.PlanePositionSequence,
    DimensionDescriptionLabel: 'Image Position Patient',
  };
  const segment = {
    DimensionOrganizationUID: uid,
    DimensionIndexPointer: TAG.ReferencedSegmentNumber,
    FunctionalGroupPointer: TAG.SegmentIdentificationSequence,
    DimensionDescriptionLabel: 'Segment Number',
  };
  return {
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: uid }],
    DimensionIndexSequence: sopClass === 'binary' ? [segment, position] : [position],
  };
}
