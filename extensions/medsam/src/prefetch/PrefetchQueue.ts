/** One background job: embedding one slice. */
export interface PrefetchTask {
  /** Identifies the job across re-plans (the imageId). */
  readonly id: string;
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Background work one job at a time, so that a box the user draws waits behind one embedding at most.
 * `want()` replaces the plan: jobs no longer wanted are dropped, a running one that is no longer wanted is
 * aborted (a service call stops; a browser encoder run finishes, and its result still lands in the cache).
 */
export class PrefetchQueue {
  private queued: PrefetchTask[] = [];
  private running: { task: PrefetchTask; abort: AbortController } | null = null;

  constructor(private readonly onChange: () => void = () => undefined) {}

  want(tasks: readonly PrefetchTask[]): void {
    const ids = new Set(tasks.map((t) => t.id));
    if (this.running && !ids.has(this.running.task.id)) this.running.abort.abort();
    this.queued = tasks.filter((t) => t.id !== this.running?.task.id);
    this.onChange();
    this.pump();
  }

  stop(): void {
    this.want([]);
  }

  /** Running first, then queued, in order. */
  pending(): string[] {
    return [...(this.running && !this.running.abort.signal.aborted ? [this.running.task.id] : []), ...this.queued.map((t) => t.id)];
  }

  private pump(): void {
    if (this.running) return;
    const task = this.queued.shift();
    if (!task) return;
    const abort = new AbortController();
    this.running = { task, abort };
    task
      .run(abort.signal)
      .catch(() => undefined) // the task reports its own failures
      .finally(() => {
        this.running = null;
        this.onChange();
        this.pump();
      });
  }
}
