// The worker lifecycle with stand-in worker scripts (plain JS): a crash fails the running job clearly and a
// fresh worker takes over; a worker that cannot load its models leaves the slot broken, with the reason.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../log';
import { WorkerSlot } from './workerSlot';

let dir: string;
const script = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `const { parentPort } = require('node:worker_threads');\n${body}`);
  return path;
};
const job = { model: 'm', image: new Uint8Array(4), dims: [2, 2] as const, datatype: 'FP32' as const };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'medsam-slot-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs jobs, survives a crash with a clear error, and starts a fresh worker', async () => {
  // Crashes on an image whose first byte is 1; answers otherwise.
  const path = script(
    'flaky.js',
    `parentPort.postMessage({ type: 'ready' });
     parentPort.on('message', (m) => {
       if (m.job.image[0] === 1) process.exit(7);
       const bytes = new Uint8Array([m.job.image.length]);
       parentPort.postMessage({ type: 'done', id: m.id, result: { datatype: 'FP32', dims: [1], bytes, runMs: 1 } }, [bytes.buffer]);
     });`,
  );
  const slot = new WorkerSlot(path, { models: [], threads: 1 }, silentLogger, 'test');
  await slot.start();
  expect(slot.ready).toBe(true);
  expect([...(await slot.run(job)).bytes]).toEqual([4]);
  await expect(slot.run({ ...job, image: Uint8Array.of(1, 0) })).rejects.toThrow('the encoder worker stopped unexpectedly (exit code 7) during the run');
  expect([...(await slot.run({ ...job, image: new Uint8Array(9) })).bytes]).toEqual([9]); // a new worker
  await slot.stop();
});

it('stays broken, with the reason, when the models cannot be loaded', async () => {
  const path = script('broken.js', `parentPort.postMessage({ type: 'init-failed', message: 'hash mismatch' });`);
  const slot = new WorkerSlot(path, { models: [], threads: 1 }, silentLogger, 'test');
  await expect(slot.start()).rejects.toThrow('cannot load the models: hash mismatch');
  expect(slot.ready).toBe(false);
  await expect(slot.run(job)).rejects.toThrow('the encoder is unavailable: cannot load the models: hash mismatch');
  await slot.stop();
});

it('passes on a failed run without losing the worker', async () => {
  const path = script(
    'failing.js',
    `parentPort.postMessage({ type: 'ready' });
     parentPort.on('message', (m) => parentPort.postMessage({ type: 'failed', id: m.id, message: 'bad input' }));`,
  );
  const slot = new WorkerSlot(path, { models: [], threads: 1 }, silentLogger, 'test');
  await slot.start();
  await expect(slot.run(job)).rejects.toThrow('bad input');
  await expect(slot.run(job)).rejects.toThrow('bad input');
  expect(slot.ready).toBe(true);
  await slot.stop();
});
