import { Worker } from 'node:worker_threads';
import type { Logger } from '../log';
import type { EncodeJob, EncodeResult, FromWorker, ToWorker, WorkerInit } from './protocol';

/** Something that runs one encoder job at a time (a worker thread; a fake in tests). */
export interface EncoderSlot {
  readonly ready: boolean;
  run(job: EncodeJob): Promise<EncodeResult>;
}

interface Pending {
  readonly id: number;
  readonly resolve: (r: EncodeResult) => void;
  readonly reject: (e: Error) => void;
}

/**
 * One encoder worker thread. If it dies (a native crash, out of memory), the job it was running fails with
 * a clear error and a fresh worker replaces it; a worker that cannot even load its models stays broken.
 */
export class WorkerSlot implements EncoderSlot {
  private worker?: Worker;
  private state: 'idle' | 'starting' | 'ready' | 'broken' | 'stopped' = 'idle';
  private starting?: Promise<void>;
  private pending?: Pending;
  private nextId = 1;
  private brokenReason = '';

  constructor(
    private readonly script: string,
    private readonly init: WorkerInit,
    private readonly log: Logger,
    private readonly label: string,
  ) {}

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Starts the worker and resolves once every model is loaded; rejects with the load error. */
  start(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.starting) return this.starting;
    this.state = 'starting';
    this.starting = new Promise<void>((resolve, reject) => {
      const worker = new Worker(this.script, { workerData: this.init });
      this.worker = worker;
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          this.state = 'ready';
          this.starting = undefined;
          resolve();
        } else if (m.type === 'init-failed') {
          this.fail(`cannot load the models: ${m.message}`);
          reject(new Error(this.brokenReason));
          void worker.terminate();
        } else this.settle(m);
      });
      worker.on('error', (e) => this.log.error(`${this.label}: ${e.message}`));
      worker.on('exit', (code) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        const was = this.state;
        if (was === 'stopped' || was === 'broken') return;
        const why = `the encoder worker stopped unexpectedly (exit code ${code})`;
        this.pending?.reject(new Error(`${why} during the run`));
        this.pending = undefined;
        if (was === 'starting') {
          this.fail(why);
          reject(new Error(this.brokenReason));
          return;
        }
        this.log.error(`${this.label}: ${why}; starting a new one`);
        this.state = 'idle';
        this.starting = undefined;
        this.start().catch((e: Error) => this.log.error(`${this.label}: ${e.message}`));
      });
    });
    return this.starting;
  }

  async run(job: EncodeJob): Promise<EncodeResult> {
    if (this.state === 'starting' || this.state === 'idle') await this.start();
    if (this.state !== 'ready' || !this.worker) throw new Error(`the encoder is unavailable: ${this.brokenReason || this.state}`);
    if (this.pending) throw new Error('an encoder worker got a second job while busy');
    const worker = this.worker;
    return new Promise<EncodeResult>((resolve, reject) => {
      const id = this.nextId++;
      this.pending = { id, resolve, reject };
      // Copy into a buffer of our own so it can be transferred instead of cloned.
      const image = job.image.slice();
      const message: ToWorker = { type: 'run', id, job: { ...job, image } };
      worker.postMessage(message, [image.buffer]);
    });
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    const worker = this.worker;
    this.worker = undefined;
    this.pending?.reject(new Error('the service is stopping'));
    this.pending = undefined;
    if (worker) await worker.terminate();
  }

  private settle(m: Extract<FromWorker, { id: number }>): void {
    const p = this.pending;
    if (!p || p.id !== m.id) return;
    this.pending = undefined;
    if (m.type === 'done') p.resolve(m.result);
    else p.reject(new Error(m.message));
  }

  private fail(reason: string): void {
    this.state = 'broken';
    this.brokenReason = reason;
    this.starting = undefined;
  }
}
