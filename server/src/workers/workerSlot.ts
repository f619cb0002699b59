import { Worker } from 'node:worker_threads';
import type { Logger } from '../log';
import type { DecodeJob, DecodeResult, EncodeJob, EncodeResult, FromWorker, ToWorker, WorkerInit } from './protocol';

/** Something that runs one job at a time (a worker thread; a fake in tests). */
export interface Slot<J, R> {
  readonly ready: boolean;
  run(job: J): Promise<R>;
}

export type EncoderSlot = Slot<EncodeJob, EncodeResult>;
export type DecoderSlot = Slot<DecodeJob, DecodeResult>;

/** How a job crosses to the worker: the message's job and the buffers moved rather than copied. */
export type JobTransfer<J> = (job: J) => { readonly job: J; readonly transfer: ArrayBuffer[] };

/** An encoder job's image is copied into a buffer of its own, so it can be transferred instead of cloned. */
export const transferImage: JobTransfer<EncodeJob> = (job) => {
  const image = job.image.slice();
  return { job: { ...job, image }, transfer: [image.buffer] };
};

/** A decoder job's embedding is shared (SharedArrayBuffer) and its prompt is a few bytes: nothing to move. */
export const shareAll: JobTransfer<DecodeJob> = (job) => ({ job, transfer: [] });

interface Pending<R> {
  readonly id: number;
  readonly resolve: (r: R) => void;
  readonly reject: (e: Error) => void;
}

/**
 * One worker thread (an encoder worker, or the decoder worker with role "decoder"). If it dies (a native
 * crash, out of memory), the job it was running fails with a clear error and a fresh worker replaces it; a
 * worker that cannot even load its models stays broken.
 */
export class WorkerSlot<J = EncodeJob, R = EncodeResult> implements Slot<J, R> {
  private worker?: Worker;
  private state: 'idle' | 'starting' | 'ready' | 'broken' | 'stopped' = 'idle';
  private starting?: Promise<void>;
  private pending?: Pending<R>;
  private nextId = 1;
  private brokenReason = '';

  constructor(
    private readonly script: string,
    private readonly init: WorkerInit,
    private readonly log: Logger,
    private readonly label: string,
    private readonly transferOf: JobTransfer<J> = transferImage as unknown as JobTransfer<J>,
    private readonly role: 'encoder' | 'decoder' = 'encoder',
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
      worker.on('message', (m: FromWorker<R>) => {
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
        const why = `the ${this.role} worker stopped unexpectedly (exit code ${code})`;
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

  async run(job: J): Promise<R> {
    if (this.state === 'starting' || this.state === 'idle') await this.start();
    if (this.state !== 'ready' || !this.worker) throw new Error(`the ${this.role} is unavailable: ${this.brokenReason || this.state}`);
    if (this.pending) throw new Error(`the ${this.role} worker got a second job while busy`);
    const worker = this.worker;
    return new Promise<R>((resolve, reject) => {
      const id = this.nextId++;
      this.pending = { id, resolve, reject };
      const { job: sent, transfer } = this.transferOf(job);
      const message: ToWorker<J> = { type: 'run', id, job: sent };
      worker.postMessage(message, transfer);
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

  private settle(m: Extract<FromWorker<R>, { id: number }>): void {
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
