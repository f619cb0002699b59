import { composeMode } from './composeMode';
import { fallbackModeInstance } from './fallbackMode';
import { MEDSAM, MODE_ID, SEGMENTATION_MODE } from './ids';
import { unavailableMode } from './unavailableMode';
import type { LoadModules, ModeInstance, ModeModule } from './types';

/** Whether OHIF can import a module by name (build-time plugins can; bare names at run time cannot). */
async function tryLoad(loadModules: LoadModules, name: string): Promise<unknown | null> {
  try {
    const [module] = await loadModules([name]);
    return module ?? null;
  } catch {
    return null;
  }
}

const mode: ModeModule = {
  id: MODE_ID,
  /**
   * Builds on OHIF's stock segmentation mode when the viewer has it (the prebuilt @ohif/app does), else on a
   * replica of its layout. The segmentation mode's own factory applies `modeConfiguration` first.
   */
  async modeFactory({ modeConfiguration, loadModules }) {
    try {
      const segmentation = (await tryLoad(loadModules, SEGMENTATION_MODE)) as ModeModule | null;
      const base: ModeInstance = segmentation?.modeFactory
        ? await segmentation.modeFactory.call(segmentation, { modeConfiguration, loadModules })
        : fallbackModeInstance();
      const extensionLoadable = (await tryLoad(loadModules, MEDSAM.extensionId)) !== null;
      return composeMode(base, extensionLoadable);
    } catch (e) {
      // Never break the host: one throwing modeFactory leaves OHIF's whole app black.
      const reason = e instanceof Error ? e.message : String(e);
      console.error(`[MedSAM] the MedSAM mode could not be built in this viewer; the viewer's other modes are unaffected. Reason: ${reason}`, e);
      return unavailableMode(reason);
    }
  },
  extensionDependencies: { [MEDSAM.extensionId]: MEDSAM.extensionVersion },
};

export default mode;
