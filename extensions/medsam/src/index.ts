import { getCommandsModule } from './commandsModule';
import { getCustomizationModule } from './getCustomizationModule';
import { getPanelModule } from './getPanelModule';
import { getToolbarModule } from './getToolbarModule';
import { listenForAcceptNewSegment } from './host/acceptNewSegmentKey';
import { getDrafts } from './session/draftRuntime';
import { guardInAppNavigation } from './session/navigationGuard';
import { askBeforeLeaving } from './session/UnsavedChanges';
import { EXTENSION_ID } from './id';
import { getRuntime, preRegistration } from './init';
import type { OhifExtension } from './types/ohif';

/** Undoes what onModeEnter set up on the page (key listener, leave prompts). */
let stopOnExit: (() => void) | null = null;

/** The MedSAM extension: box tool, commands, toolbar button, panel. */
const extension: OhifExtension = {
  id: EXTENSION_ID,
  preRegistration,
  onModeEnter: () => {
    const { controller, unsaved } = getRuntime();
    controller.onModeEnter();
    const stopKey = listenForAcceptNewSegment(() => controller.hasPreview(), () => controller.accept({ newSegment: true }));
    const stopAsking = askBeforeLeaving(unsaved);
    const stopGuard = guardInAppNavigation(() => unsaved.count());
    getDrafts().onModeEnter();
    stopOnExit = () => {
      stopKey();
      stopAsking();
      stopGuard();
    };
  },
  onModeExit: () => {
    stopOnExit?.();
    stopOnExit = null;
    getRuntime().controller.onModeExit();
    getDrafts().onModeExit();
    getRuntime().unsaved.forgetAll();
  },
  getCommandsModule,
  getToolbarModule,
  getPanelModule,
  getCustomizationModule,
};

export default extension;
export { EXTENSION_ID } from './id';
export { BOX_TOOL_NAME, COMMANDS, CUSTOMIZATION, PANEL_ID } from './id';
