// DICOM-SEG for MedSAM segments: pure encoding and decoding, no viewer imports (the OHIF glue lives elsewhere).
export { buildSegmentation, DEFAULT_SOP_CLASS, SOP_CLASS_UID } from './buildSegmentation';
export { readSegmentation } from './readSegmentation';
export { sourceFromDataset } from './sourceFromDataset';
export { newUid } from './uid';
export { SegError, type SegErrorCode } from './errors';
export { SEGMENT_TARGETS, DEFAULT_TARGET, CATEGORY, AI_ALGORITHM_FAMILY, type CodedConcept, type SegmentTarget, type SegmentTargetKey } from './codes';
export type { PersonNameValue } from './vr';
export type * from './types';
