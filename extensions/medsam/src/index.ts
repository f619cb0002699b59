import { getCommandsModule } from './commandsModule';
import { getCustomizationModule } from './getCustomizationModule';
import { getPanelModule } from './getPanelModule';
import { getToolbarModule } from './getToolbarModule';
import { EXTENSION_ID } from './id';
import { getRuntime, preRegistration } from './init';
import type { OhifExtension } from './types/ohif';

/** The MedSAM extension: box tool, commands, toolbar button, panel. */
const extension: OhifExtension = {
  id: EXTENSION_ID,
  preRegistration,
  onModeEnter: () => getRuntime().controller.onModeEnter(),
  onModeExit: () => getRuntime().controller.onModeExit(),
  getCommandsModule,
  getToolbarModule,
  getPanelModule,
  getCustomizationModule,
};

export default extension;
export { EXTENSION_ID } from './id';
export { BOX_TOOL_NAME, COMMANDS, CUSTOMIZATION, PANEL_ID } from './id';
