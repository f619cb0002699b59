import { getRenderingEngines } from '@cornerstonejs/core';
import { addTool, utilities as toolUtilities } from '@cornerstonejs/tools';
import { ConfigError, readConfig, type MedSamConfig } from './config';
import { createRuntime, type MedSamRuntime } from './controller/createRuntime';
import { withRememberedModel } from './modelChoice';
import { initDrafts } from './session/draftRuntime';
import { initSegSaver } from './store/saveRuntime';
import { medSamBoxToolWith } from './tools/MedSamBoxTool';
import type { ExtensionParams } from './types/ohif';
import { toPlainError } from './utils/plainError';

let runtime: MedSamRuntime | null = null;

/** The box tool draws the key boxes: every viewport redraws its annotations when they change. */
function redrawWhenKeyBoxesChange(rt: MedSamRuntime): void {
  let shown = rt.volume3d.store.getState().keys.boxes;
  rt.volume3d.store.subscribe(() => {
    const boxes = rt.volume3d.store.getState().keys.boxes;
    if (boxes === shown) return;
    shown = boxes;
    const viewportIds = (getRenderingEngines() ?? []).flatMap((engine) => (engine?.getViewports() ?? []).map((v) => v.id));
    if (viewportIds.length) toolUtilities.triggerAnnotationRenderForViewportIds(viewportIds);
  });
}

/** The runtime built in preRegistration; module getters run after it. */
export function getRuntime(): MedSamRuntime {
  if (!runtime) throw new Error('the MedSAM extension was used before its preRegistration ran');
  return runtime;
}

function configFrom(params: ExtensionParams): { config: MedSamConfig; error: unknown } {
  try {
    return { config: withRememberedModel(readConfig(params.appConfig?.medsam, params.configuration)), error: null };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { config: readConfig(), error: Object.assign(e, { code: 'CONFIG' }) };
  }
}

/** Reads the settings, builds the runtime and registers the box tool with cornerstone. */
export function preRegistration(params: ExtensionParams): void {
  const { config, error } = configFrom(params);
  const rt = createRuntime(params.servicesManager.services, config);
  runtime = rt;
  if (error) rt.store.update({ error: toPlainError(error) });
  const saver = initSegSaver(params, rt);
  initDrafts(params.servicesManager.services, rt, saver);
  addTool(
    medSamBoxToolWith({
      onBoxCompleted: (box) => {
        // While key boxes are collected, a box is the key box of its slice and nothing is segmented yet.
        if (rt.volume3d.isCollectingKeys()) return rt.volume3d.addKeyBox(box);
        rt.volume3d.reject(); // a new box replaces an open 3D preview as it replaces a 2D one
        void rt.controller.segmentBox(box);
      },
      onBoxMoved: (box) => rt.liveMask.moved(box),
      onBoxError: (e) => {
        rt.liveMask.cancel();
        rt.store.update({ error: toPlainError(e) });
      },
      // Enter/Esc go to whichever preview is open: the 3D one or the 2D one.
      onAccept: () => (rt.volume3d.hasPreview() ? rt.volume3d.accept() : rt.controller.accept()),
      onReject: () => (rt.volume3d.hasPreview() ? rt.volume3d.reject() : rt.controller.reject()),
      hasPreview: () => rt.controller.hasPreview() || rt.volume3d.hasPreview(),
      keyBoxesOn: (imageId) => rt.volume3d.keyBoxesOn(imageId),
    }),
  );
  redrawWhenKeyBoxesChange(rt);
}
