// One line of the results: what was measured (suite, model, runtime, image size, stage) and its summary.
import { rounded, summarize } from './stats.mjs';

export function row(fields, samples, unit = 'ms') {
  return { ...fields, unit, ...rounded(summarize(samples)) };
}

/** A single derived figure (a ratio, a byte count) with no spread. */
export function figure(fields, value, unit) {
  return { ...fields, unit, n: 1, value: typeof value === 'number' ? Math.round(value * 1000) / 1000 : value };
}

export const now = () => performance.now();
