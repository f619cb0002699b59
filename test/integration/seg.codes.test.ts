// The SNOMED CT and DCM codes the SEG writes, checked against pydicom's copy of the DICOM context groups:
// right code, right meaning, member of the group the attribute draws from.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  AI_ALGORITHM_FAMILY,
  BACKGROUND,
  CATEGORY,
  SEGMENT_TARGETS,
  SEGMENTATION_DERIVATION,
  SOURCE_IMAGE_PURPOSE,
  type CodedConcept,
} from '../../extensions/medsam/src/seg/codes';

interface Check extends CodedConcept {
  name: string;
  cids: number[];
}

/** Property types of each category: CID 7192 anatomical structures, 7191 tissues, 7194 abnormal structures. */
const TYPE_GROUP: Record<string, number> = {
  [CATEGORY.anatomicalStructure.value]: 7192,
  [CATEGORY.tissue.value]: 7191,
  [CATEGORY.morphologicallyAbnormal.value]: 7194,
};

function checks(): Check[] {
  const out: Check[] = [
    { name: 'algorithm family', ...AI_ALGORITHM_FAMILY, cids: [7162] },
    { name: 'derivation', ...SEGMENTATION_DERIVATION, cids: [7203] },
    { name: 'purpose of reference', ...SOURCE_IMAGE_PURPOSE, cids: [7202] },
    { name: 'background', ...BACKGROUND, cids: [7151, 7165] },
  ];
  for (const [key, t] of Object.entries(SEGMENT_TARGETS)) {
    out.push({ name: `${key} category`, ...t.category, cids: [7150] });
    out.push({ name: `${key} type`, ...t.type, cids: [7151] });
    out.push({ name: `${key} type within its category`, ...t.type, cids: [TYPE_GROUP[t.category.value]] });
  }
  return out;
}

it('every code is the DICOM one, with its meaning, from the right context group', () => {
  const run = spawnSync('/usr/bin/python3', [join(__dirname, '../fixtures/seg/check_codes.py')], { input: JSON.stringify(checks()), encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual([]);
});
