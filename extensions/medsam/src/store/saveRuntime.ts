import { ConfigError } from '../config';
import type { MedSamRuntime } from '../controller/createRuntime';
import type { ExtensionManager, ExtensionParams } from '../types/ohif';
import { toPlainError } from '../utils/plainError';
import { ProvenanceLog } from './provenance';
import { DEFAULT_SAVE_CONFIG, readSaveConfig, type SaveConfig } from './saveConfig';
import { SegSaver } from './SegSaver';

let saver: SegSaver | null = null;

/** The saver built in preRegistration (beside the MedSAM runtime); panels and commands use it later. */
export function getSegSaver(): SegSaver {
  if (!saver) throw new Error('the MedSAM extension was used before its preRegistration ran');
  return saver;
}

function isExtensionManager(v: unknown): v is ExtensionManager {
  return typeof v === 'object' && v !== null && typeof (v as { getActiveDataSource?: unknown }).getActiveDataSource === 'function';
}

export function initSegSaver(params: ExtensionParams, runtime: MedSamRuntime): SegSaver {
  let config: SaveConfig = DEFAULT_SAVE_CONFIG;
  try {
    config = readSaveConfig(params.appConfig?.medsam, params.configuration);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    runtime.store.update({ error: toPlainError(Object.assign(e, { code: 'CONFIG' })) });
  }
  const extensionManager = params.extensionManager;
  if (!isExtensionManager(extensionManager)) throw new Error('OHIF passed no extension manager to preRegistration');
  saver = new SegSaver({
    services: params.servicesManager.services,
    extensionManager,
    medsam: runtime.store,
    hasPreview: () => runtime.controller.hasPreview() || runtime.volume3d.hasPreview(),
    unsaved: runtime.unsaved,
    provenance: new ProvenanceLog(runtime.store),
    config,
  });
  return saver;
}
