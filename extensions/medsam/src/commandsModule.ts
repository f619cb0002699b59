import type { Box } from '@medsam-ohif/core';
import { adaptHost, type HostToolbar } from './host/adaptHost';
import { addMedsamToMeasurementMenu } from './host/measurementContextMenu';
import { COMMANDS } from './id';
import { getRuntime } from './init';
import { saveCommands } from './store/saveCommands';
import { setBackendsCommand } from './setBackendsCommand';
import type { CommandFn, CommandsModule, ExtensionParams } from './types/ohif';
import { GlueError } from './utils/plainError';
import { commands3d } from './volume3d/commands3d';
import { segmentMeasurement } from './measurement/segmentMeasurement';

function isBox(v: unknown): v is Box {
  const b = v as Partial<Box> | null;
  return !!b && [b.x0, b.y0, b.x1, b.y1].every((n) => typeof n === 'number');
}

function text(options: Record<string, unknown>, key: string): string {
  const v = options[key];
  if (typeof v !== 'string' || v === '') throw new GlueError('CONFIG', `${key} must be a non-empty string`);
  return v;
}

/** The measurement: `annotationUID`, or from OHIF's context menu the clicked annotation (`uid`, `nearbyToolData`). */
function annotationOption(options: Record<string, unknown>): { annotationUID?: string } {
  const nearby = (options.nearbyToolData as { annotationUID?: unknown } | null | undefined)?.annotationUID;
  const uid = [options.annotationUID, options.uid, nearby].find((v): v is string => typeof v === 'string' && v !== '');
  return uid ? { annotationUID: uid } : {};
}

/**
 * MedSAM's commands. Besides the toolbar and the panel, they let other extensions and tests drive MedSAM:
 * `medsamSegmentBox({ viewportId, imageId, box: { x0, y0, x1, y1 } })` segments a box given in image pixels.
 */
export function getCommandsModule(params: ExtensionParams): CommandsModule {
  const { controller, store, volume3d } = getRuntime();
  const toolbar = params.servicesManager.services.toolbarService as unknown as HostToolbar;
  const fns: Record<string, CommandFn> = {
    [COMMANDS.segmentBox]: (options) => {
      if (!isBox(options.box)) throw new GlueError('CONFIG', 'box must be { x0, y0, x1, y1 } in image pixels');
      volume3d.reject();
      return controller.segmentBox({ viewportId: text(options, 'viewportId'), imageId: text(options, 'imageId'), box: options.box, slice: 0 });
    },
    [COMMANDS.accept]: (options) => {
      const choice = { newSegment: options.newSegment === true, replace: options.replace === true };
      return volume3d.hasPreview() ? volume3d.accept(choice) : controller.accept(choice);
    },
    [COMMANDS.reject]: () => (volume3d.hasPreview() ? volume3d.reject() : controller.reject()),
    [COMMANDS.clear]: () => controller.clear(),
    [COMMANDS.undo]: () => controller.undo(),
    [COMMANDS.loadModel]: () => controller.loadModel(),
    [COMMANDS.setModel]: (options) => controller.setModel(text(options, 'manifestUrl')),
    [COMMANDS.setBackends]: (options) => setBackendsCommand(controller, options),
    [COMMANDS.getState]: () => store.getState(),
    // Run by the MedSAM mode on entry only, so the measurement menu items appear in that mode alone.
    [COMMANDS.adaptHost]: () => ({ ...adaptHost(toolbar), measurementMenu: addMedsamToMeasurementMenu(params.servicesManager.services.customizationService) }),
    ...saveCommands(),
    ...commands3d(volume3d),
    [COMMANDS.segmentMeasurement]: (options) =>
      segmentMeasurement(getRuntime(), params.servicesManager.services, {
        ...annotationOption(options),
        ...(typeof options.viewportId === 'string' ? { viewportId: options.viewportId } : {}),
        in3d: options.in3d === true,
      }),
  };
  return {
    definitions: Object.fromEntries(Object.entries(fns).map(([name, commandFn]) => [name, { commandFn }])),
    defaultContext: 'DEFAULT',
  };
}
