// Coded concepts written into the SEG. SNOMED CT codes are those of DICOM CID 7150 (Segmentation Property
// Categories) and CID 7151 (Segmentation Property Types) and their sub-groups (7159/7166/7192/7194),
// checked against the DICOM 2023 context groups that pydicom 2.3 ships.

export interface CodedConcept {
  readonly value: string;
  readonly scheme: 'SCT' | 'DCM' | string;
  readonly meaning: string;
}

const sct = (value: string, meaning: string): CodedConcept => ({ value, scheme: 'SCT', meaning });
const dcm = (value: string, meaning: string): CodedConcept => ({ value, scheme: 'DCM', meaning });

/** CID 7162 Surface Processing Algorithm Families: MedSAM is a deep-learning model. */
export const AI_ALGORITHM_FAMILY = dcm('123110', 'Artificial Intelligence');
/** CID 7203 Image Derivation: what DerivationCodeSequence says of every frame. */
export const SEGMENTATION_DERIVATION = dcm('113076', 'Segmentation');
/** CID 7202 Source Image Purposes of Reference. */
export const SOURCE_IMAGE_PURPOSE = dcm('121322', 'Source image for image processing operation');
/** Label-map background (pixel value 0) when the caller asks for it to be described. */
export const BACKGROUND = dcm('125040', 'Background');

/** CID 7150 categories. */
export const CATEGORY = {
  tissue: sct('85756007', 'Tissue'),
  anatomicalStructure: sct('123037004', 'Anatomical Structure'),
  morphologicallyAbnormal: sct('49755003', 'Morphologically Abnormal Structure'),
} as const;

export interface SegmentTarget {
  readonly category: CodedConcept;
  readonly type: CodedConcept;
}

const organ = (value: string, meaning: string): SegmentTarget => ({ category: CATEGORY.anatomicalStructure, type: sct(value, meaning) });
const tissue = (value: string, meaning: string): SegmentTarget => ({ category: CATEGORY.tissue, type: sct(value, meaning) });
const abnormal = (value: string, meaning: string): SegmentTarget => ({ category: CATEGORY.morphologicallyAbnormal, type: sct(value, meaning) });

/** Common MedSAM targets. Keys are what the panel offers; anything else passes explicit codes. */
export const SEGMENT_TARGETS = {
  tissue: tissue('85756007', 'Tissue'),
  liver: organ('10200004', 'Liver'),
  kidney: organ('64033007', 'Kidney'),
  spleen: organ('78961009', 'Spleen'),
  pancreas: organ('15776009', 'Pancreas'),
  gallbladder: organ('28231008', 'Gallbladder'),
  stomach: organ('69695003', 'Stomach'),
  adrenalGland: organ('23451007', 'Adrenal gland'),
  bladder: organ('89837001', 'Bladder'),
  prostate: organ('41216001', 'Prostate'),
  lung: organ('39607008', 'Lung'),
  heart: organ('80891009', 'Heart'),
  aorta: organ('15825003', 'Aorta'),
  brain: organ('12738006', 'Brain'),
  vertebra: organ('51282000', 'Vertebra'),
  bone: tissue('272673000', 'Bone'),
  muscle: tissue('71616004', 'Muscle'),
  neoplasm: abnormal('108369006', 'Neoplasm'),
  mass: abnormal('4147007', 'Mass'),
  nodule: abnormal('27925004', 'Nodule'),
  cyst: abnormal('367643001', 'Cyst'),
} as const satisfies Record<string, SegmentTarget>;

export type SegmentTargetKey = keyof typeof SEGMENT_TARGETS;

/** Nothing said about what was segmented: "Tissue" / "Tissue", the least committal valid pair. */
export const DEFAULT_TARGET: SegmentTargetKey = 'tissue';

export function codeItem(code: CodedConcept): Record<string, string> {
  return { CodeValue: code.value, CodingSchemeDesignator: code.scheme, CodeMeaning: code.meaning };
}
