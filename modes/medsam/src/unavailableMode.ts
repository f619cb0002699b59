import { MODE_ID, ROUTE_NAME } from './ids';
import type { ModeInstance } from './types';

/**
 * What the mode factory returns when the MedSAM mode cannot be built in this viewer. OHIF's appInit awaits
 * every modeFactory without a try/catch, so throwing would take the whole viewer down (study list
 * included): instead the mode is listed as not valid for any study, with the reason, and the console says
 * what went wrong.
 */
export function unavailableMode(reason: string): ModeInstance {
  const description = `MedSAM is not available in this viewer: ${reason}`;
  return {
    id: MODE_ID,
    routeName: ROUTE_NAME,
    displayName: 'MedSAM Segmentation (unavailable)',
    routes: [],
    extensions: {},
    sopClassHandlers: [],
    isValidMode: () => ({ valid: false, description }),
  };
}
