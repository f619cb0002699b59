// A small phantom "PACS" folder for the dataset-export benchmark: 3 patients × 2 slices, a BODY SEG and an
// organ SEG each (the same builder as the fine-tuning tests).
import { BODY_SEG, makePhantomStudies, ORGAN_SEG, writePhantomSeg } from '../../test/support/finetunePhantoms';

const out = process.argv[2];
if (!out) throw new Error('usage: makePacs <folder>');
for (const study of makePhantomStudies(out, [31, 32, 33], [16, 24])) {
  writePhantomSeg(out, study, BODY_SEG, 1);
  writePhantomSeg(out, study, ORGAN_SEG, 2);
}
