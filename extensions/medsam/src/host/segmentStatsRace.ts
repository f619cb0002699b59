import type { CustomizationService } from '../types/ohif';

/** OHIF 3.13's switch for its segment statistics (panelSegmentation.disableUpdateSegmentationStats). */
const STATS_OFF = 'panelSegmentation.disableUpdateSegmentationStats';

/**
 * Turns OHIF's segment statistics off while the MedSAM mode is open. Their update runs one second after any
 * labelmap change, computes for a while, then writes back the segment list it read before: a segment added in
 * between (every MedSAM accept as a new segment) vanished from the segmentation with its voxels still drawn, and
 * was left out of the next save (issue 9). Mode-scoped, so other modes keep their statistics. Hosts without the
 * switch (older OHIF) are left as they are; returns whether it was set.
 */
export function avoidSegmentStatsRace(customizations: CustomizationService | undefined): boolean {
  if (!customizations?.setCustomizations) return false;
  try {
    customizations.setCustomizations({ [STATS_OFF]: { $set: true } }, 'mode');
    return customizations.getCustomization(STATS_OFF) === true;
  } catch (e) {
    console.warn(`MedSAM: could not turn off OHIF's segment statistics (${String(e)}); segments added while they update may be dropped`);
    return false;
  }
}
