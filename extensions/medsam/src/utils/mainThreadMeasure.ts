/**
 * Names a stretch of the extension's own main-thread work in the page's User Timing (performance.measure
 * "medsam:<name>"), so benchmarks can tell our tasks from the viewer's rendering. Returns what `work` returns.
 */
export function measured<T>(name: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    measuredSince(name, start);
  }
}

/** Records main-thread work from `start` to now as "medsam:<name>" (for work done in steps between yields). */
export function measuredSince(name: string, start: number): void {
  try {
    performance.measure(`medsam:${name}`, { start, end: performance.now() });
  } catch {
    // no User Timing (old runtime): nothing to record
  }
}
