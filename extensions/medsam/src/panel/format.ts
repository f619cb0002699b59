import type { WaitLaps } from '../controller/waitClock';
/** Text for the panel: sizes, durations, areas, in the units a radiologist expects. */

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatProgress(loaded: number, total?: number): string {
  return total ? `${formatBytes(loaded)} of ${formatBytes(total)} (${Math.floor((100 * Math.min(loaded, total)) / total)} %)` : formatBytes(loaded);
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

/** mm² below 1 cm², cm² above (both shown with the pixel count by the caller). */
export function formatArea(mm2: number | null): string {
  if (mm2 === null) return 'unknown (no pixel spacing)';
  return mm2 < 100 ? `${mm2.toFixed(1)} mm²` : `${mm2.toFixed(0)} mm² (${(mm2 / 100).toFixed(2)} cm²)`;
}

export function formatBox(box: { x0: number; y0: number; x1: number; y1: number }): string {
  const r = (v: number) => (Math.round(v * 10) / 10).toString();
  return `columns ${r(box.x0)}–${r(box.x1)}, rows ${r(box.y0)}–${r(box.y1)}`;
}

const STAGES: Record<string, string> = {
  reading: 'Reading the image',
  model: 'Waiting for the model to load',
  manifest: 'Reading the model description',
  verify: 'Checking the model files',
  session: 'Starting the model',
  normalize: 'Preparing the image',
  encode: 'Computing the image embedding',
  decode: 'Segmenting the box',
  writing: 'Showing the result',
};

export function stageText(stage: string): string {
  return STAGES[stage] ?? stage;
}

const WAIT_PARTS: [keyof WaitLaps, string][] = [
  ['read', 'image'],
  ['modelWait', 'model load'],
  ['inference', 'embedding + decoder'],
  ['draw', 'drawing'],
];

/** "image 40 ms · embedding + decoder 2.1 s · drawing 90 ms": where a box's wait went. */
export function formatWait(wait: WaitLaps): string {
  return WAIT_PARTS.filter(([key]) => (wait[key] ?? 0) > 0)
    .map(([key, label]) => `${label} ${formatMs(wait[key]!)}`)
    .join(' · ');
}
