import { getCommandsModule } from './commandsModule';
import { getCustomizationModule } from './getCustomizationModule';
import { getPanelModule } from './getPanelModule';
import { getToolbarModule } from './getToolbarModule';
import { listenForAcceptNewSegment } from './host/acceptNewSegmentKey';
import { removeMedsamFromMeasurementMenu } from './host/measurementContextMenu';
import { showRangeOnScrollbars } from './host/rangeOnScrollbar';
import { listenForSegment3dKeys } from './host/segment3dKeys';
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
    const { controller, unsaved, volume3d } = getRuntime();
    controller.onModeEnter();
    const stopKey = listenForAcceptNewSegment(
      () => controller.hasPreview() || volume3d.hasPreview(),
      () => (volume3d.hasPreview() ? volume3d.accept({ newSegment: true }) : controller.accept({ newSegment: true })),
    );
    const stop3dKeys = listenForSegment3dKeys({
      segment3d: () => void volume3d.segment(),
      markFirst: () => volume3d.mark('first'),
      markLast: () => volume3d.mark('last'),
      collectKeys: () => volume3d.collectKeys(),
      segmentKeySlices: () => void volume3d.segmentKeySlices(),
    });
    const stopRangeMarker = showRangeOnScrollbars(volume3d.store);
    const stopAsking = askBeforeLeaving(unsaved);
    const stopGuard = guardInAppNavigation(() => unsaved.count());
    getDrafts().onModeEnter();
    stopOnExit = () => {
      stopKey();
      stop3dKeys();
      stopRangeMarker();
      stopAsking();
      stopGuard();
    };
  },
  onModeExit: () => {
    stopOnExit?.();
    stopOnExit = null;
    removeMedsamFromMeasurementMenu();
    getRuntime().controller.onModeExit();
    getRuntime().volume3d.onModeExit();
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
