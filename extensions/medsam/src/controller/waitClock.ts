/** The parts of a box's wait, in milliseconds from mouse-up: what the panel's "Time" breaks down. */
export interface WaitLaps {
  /** Reading the image's pixels and choosing its normalisation (main thread). */
  readonly read?: number;
  /** Waiting for the model to finish loading (first box only, usually). */
  readonly modelWait?: number;
  /** The worker: embedding (or its cache) and the decoder. */
  readonly inference?: number;
  /** Writing the preview into the labelmap until the browser painted it. */
  readonly draw?: number;
}

/** Laps of one wait, each measured from the end of the previous one. */
export class WaitClock {
  private last: number;
  private readonly done: Record<string, number> = {};

  constructor(private readonly startedAt: number, private readonly now: () => number = Date.now) {
    this.last = startedAt;
  }

  lap(name: keyof WaitLaps): void {
    const t = this.now();
    this.done[name] = (this.done[name] ?? 0) + Math.max(0, t - this.last);
    this.last = t;
  }

  elapsed(): number {
    return Math.max(0, this.now() - this.startedAt);
  }

  laps(): WaitLaps {
    return { ...this.done };
  }
}

/** Resolves after the next frame has been painted (two animation frames); at once where there are none. */
export function afterPaint(): Promise<void> {
  const raf = globalThis.requestAnimationFrame;
  if (typeof raf !== 'function') return Promise.resolve();
  return new Promise((resolve) => raf(() => raf(() => resolve())));
}
