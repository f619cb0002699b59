import { ConfigError } from '../config';
import type { SegSopClass } from '../seg';

/** How "Save to PACS" encodes and sends; read from `appConfig.medsam` and the extension configuration. */
export interface SaveConfig {
  /** 'binary' (Segmentation Storage, default: every PACS and reader knows it) or 'labelmap' (DICOM 2024). */
  readonly sopClass: SegSopClass;
  /** Series numbers of new SEG series start above this (OHIF numbers its own SEG series from 3100). */
  readonly seriesNumberBase: number;
  /** How long the PACS may take to answer a store. */
  readonly timeoutMs: number;
}

export const DEFAULT_SAVE_CONFIG: SaveConfig = { sopClass: 'binary', seriesNumberBase: 3100, timeoutMs: 60_000 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function positiveInteger(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`medsam.${key} must be a positive integer`);
  return v;
}

/** Later sources win; keys this module does not own are left to config.ts. */
export function readSaveConfig(...sources: unknown[]): SaveConfig {
  let config = DEFAULT_SAVE_CONFIG;
  for (const source of sources) {
    if (!isObject(source)) continue;
    const sop = source.segSopClass;
    if (sop !== undefined && sop !== 'binary' && sop !== 'labelmap') throw new ConfigError('medsam.segSopClass must be "binary" or "labelmap"');
    const base = positiveInteger(source, 'segSeriesNumberBase');
    const timeout = positiveInteger(source, 'segStoreTimeoutMs');
    config = {
      sopClass: (sop as SegSopClass | undefined) ?? config.sopClass,
      seriesNumberBase: base ?? config.seriesNumberBase,
      timeoutMs: timeout ?? config.timeoutMs,
    };
  }
  return config;
}
