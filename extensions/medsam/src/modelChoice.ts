import type { MedSamConfig, ModelChoice } from './config';

/** The model the reader last loaded from the deployment's list, kept in the browser (per origin). */
const KEY = 'medsam.modelManifestUrl';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The page's localStorage, or null where there is none or it is blocked (privacy settings throw on access). */
export function pageStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function choiceOf(models: readonly ModelChoice[], manifestUrl: string): ModelChoice | undefined {
  return models.find((m) => m.manifestUrl === manifestUrl);
}

/** Remembers a listed model (a typed developer URL is not kept: it may be gone on the next visit). */
export function rememberModel(models: readonly ModelChoice[], manifestUrl: string, storage: KeyValueStorage | null = pageStorage()): void {
  if (!storage || !choiceOf(models, manifestUrl)) return;
  try {
    storage.setItem(KEY, manifestUrl);
  } catch {
    // quota or privacy mode: the choice is simply not remembered
  }
}

/** The configuration with the remembered model first, if the deployment still lists it. */
export function withRememberedModel(config: MedSamConfig, storage: KeyValueStorage | null = pageStorage()): MedSamConfig {
  let remembered: string | null = null;
  try {
    remembered = storage?.getItem(KEY) ?? null;
  } catch {
    remembered = null;
  }
  return remembered && choiceOf(config.models, remembered) ? { ...config, modelManifestUrl: remembered } : config;
}
