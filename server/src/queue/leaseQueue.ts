/** The queue is full: the caller should answer 503 and say when to come back. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  constructor(readonly retryAfterSeconds: number) {
    super(`all encoder workers are busy and the queue is full; retry after ${retryAfterSeconds} s`);
  }
}

/** The service is shutting down and takes no more work. */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
}

export interface Lease<R> {
  readonly resource: R;
  /** Gives the resource back; call exactly once, when its work has really finished. */
  release(): void;
}

interface Waiter<R> {
  readonly grant: (lease: Lease<R>) => void;
  readonly refuse: (e: unknown) => void;
}

/**
 * A fixed set of resources (encoder workers) handed out first come, first served, with a bounded line of
 * waiters. Bounding the line bounds memory (each waiter holds its image) and tells clients early to retry.
 */
export class LeaseQueue<R> {
  private readonly free: R[];
  private readonly waiters: Waiter<R>[] = [];
  private held = 0;
  private closed = false;
  private averageHoldMs: number;
  private idleWaiters: (() => void)[] = [];

  constructor(
    resources: readonly R[],
    private readonly maxWaiting: number,
    /** First guess of one run's duration, before any was measured. */
    initialHoldMs = 1000,
  ) {
    this.free = [...resources];
    this.capacity = resources.length;
    this.averageHoldMs = initialHoldMs;
  }

  readonly capacity: number;

  get running(): number {
    return this.held;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Seconds until a new request would likely get a worker: the work ahead of it spread over the workers. */
  retryAfterSeconds(): number {
    const ahead = this.held + this.waiters.length;
    return Math.max(1, Math.ceil(((ahead / this.capacity) * this.averageHoldMs) / 1000));
  }

  /** Resolves with a lease, or rejects with QueueFullError / QueueClosedError / the signal's reason. */
  acquire(signal?: AbortSignal): Promise<Lease<R>> {
    if (this.closed) return Promise.reject(new QueueClosedError('the service is shutting down'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const resource = this.free.pop();
    if (resource !== undefined) return Promise.resolve(this.lease(resource));
    if (this.waiters.length >= this.maxWaiting) return Promise.reject(new QueueFullError(this.retryAfterSeconds()));
    return new Promise<Lease<R>>((resolve, reject) => {
      const onAbort = () => {
        // A cancelled waiter leaves the line at once: its place and its memory go to others.
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter<R> = {
        grant: (lease) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        refuse: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Refuses every waiter and all future requests; leases already held run to their end. */
  close(reason: string): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.refuse(new QueueClosedError(reason));
  }

  /** Resolves when no lease is held (for graceful shutdown). */
  idle(): Promise<void> {
    if (this.held === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private lease(resource: R): Lease<R> {
    this.held++;
    const start = Date.now();
    let released = false;
    return {
      resource,
      release: () => {
        if (released) return;
        released = true;
        this.held--;
        // Exponential average: follows the model's real run time within a few requests.
        this.averageHoldMs = 0.7 * this.averageHoldMs + 0.3 * (Date.now() - start);
        const next = this.waiters.shift();
        if (next) next.grant(this.lease(resource));
        else this.free.push(resource);
        if (this.held === 0) for (const done of this.idleWaiters.splice(0)) done();
      },
    };
  }
}
