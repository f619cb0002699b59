// The encoder worker (medsam.encoderWorker): when it is chosen, how the threads are split, and the hand-over
// between the inference worker and it. The two ends talk over a real MessageChannel (structured cloning, the
// embedding's buffer moved); only the Worker object around it is faked (its error event, terminate). Behind
// the channel runs the real serveEncoder → browserProducer → prepareImage → sessionEncoder path, on a small
// JavaScript stand-in for the encoder session (deterministic block means of the encoder input), because
// onnxruntime does not run inside jest; test/integration/encoderWorker.handover.test.ts does it with the real
// onnxruntime-web in a real worker thread.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { MedSamError, parseManifest, type ModelManifest, type ModelSession, type SourceImage, type Tensor } from '@medsam-ohif/core';
import { browserProducer } from '../encoders/browserEncoder';
import type { EmbeddingProducer } from '../encoders/types';
import type { Progress } from '../protocol';
import { splitThreads, threadShares, wantsEncoderWorker } from './choice';
import type { EncoderWorkerSettings, FromEncoderWorker } from './messages';
import { encoderWorkerOrLocal, RemoteEncoder, startEncoderWorker, type EncoderWorkerLike } from './RemoteEncoder';
import { serveEncoder, type OpenEncoder } from './serveEncoder';

const manifest: ModelManifest = parseManifest(JSON.parse(readFileSync(join(__dirname, '../../../../../models/test-tiny/manifest.json'), 'utf8')));
const noop = () => undefined;
const ct = { kind: 'ct-window' } as const;

/** A CT-like slice: a bright ellipse whose place depends on `seed`. */
function slice(seed: number): SourceImage {
  const rows = 96;
  const columns = 128;
  const pixels = new Int16Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) pixels[r * columns + c] = -100 + (((c - 40 - 5 * seed) / 25) ** 2 + ((r - 48) / 20) ** 2 < 1 ? 300 : 0) + ((r * 7 + c * 3 + seed) % 11);
  return { rows, columns, samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'CT' };
}

/** Stand-in encoder: channel k of cell (y, x) is the mean of input channel k % 3 over its 16×16 block, times k + 1. */
function blockMeanSession(): ModelSession {
  const [, channels, h, w] = manifest.embeddingDims;
  return {
    inputs: [{ name: manifest.encoder.inputs.image }],
    outputs: [{ name: manifest.encoder.outputs.embedding }],
    async run(feeds) {
      const input = feeds[manifest.encoder.inputs.image]!;
      const size = input.dims[3]!;
      const block = size / w;
      const data = new Float32Array(channels * h * w);
      const x = input.data as Float32Array;
      for (let k = 0; k < channels; k++) {
        const plane = (k % 3) * size * size;
        for (let y = 0; y < h; y++) {
          for (let xx = 0; xx < w; xx++) {
            let sum = 0;
            for (let dy = 0; dy < block; dy += 4) for (let dx = 0; dx < block; dx += 4) sum += x[plane + (y * block + dy) * size + xx * block + dx]!;
            data[(k * h + y) * w + xx] = (sum / 16) * (k + 1);
          }
        }
      }
      const embedding: Tensor = { type: 'float32', dims: manifest.embeddingDims, data };
      return { [manifest.encoder.outputs.embedding]: embedding };
    },
    release: async () => undefined,
  };
}

const settings = { manifestUrl: 'http://viewer.test/models/test-tiny/manifest.json', manifest, backends: ['wasm'], ortBaseUrl: 'http://viewer.test/ort/', threads: 1, modelCacheName: null } satisfies EncoderWorkerSettings;

/** What the inference worker sees of its encoder worker: one end of a real channel, plus the Worker's own events. */
class FakeWorkerBoundary implements EncoderWorkerLike {
  terminated = false;
  private readonly errorListeners: ((event: ErrorEvent) => void)[] = [];
  constructor(private readonly port: MessagePort) {}
  postMessage(message: unknown, transfer: Transferable[]): void {
    this.port.postMessage(message, transfer as unknown as ArrayBuffer[]);
  }
  addEventListener(type: 'message' | 'error', listener: ((event: MessageEvent<unknown>) => void) | ((event: ErrorEvent) => void)): void {
    if (type === 'error') this.errorListeners.push(listener as (event: ErrorEvent) => void);
    else this.port.on('message', (data: unknown) => (listener as (event: MessageEvent<unknown>) => void)({ data } as MessageEvent<unknown>));
  }
  terminate(): void {
    this.terminated = true;
    this.port.close();
  }
  /** The worker dies the way a browser reports it: an error event, here without a message (a script that did not load). */
  fail(message = ''): void {
    for (const l of this.errorListeners) l({ message } as ErrorEvent);
  }
}

interface Pair {
  readonly boundary: FakeWorkerBoundary;
  /** Every message the encoder worker sent, with the byte sizes of what it moved. */
  readonly sent: { type: string; moved: number[] }[];
  readonly close: () => void;
}

/** An encoder worker served on one end of a real MessageChannel, the other end behind a FakeWorkerBoundary. */
function encoderWorkerPair(open: OpenEncoder): Pair {
  const { port1, port2 } = new MessageChannel();
  const sent: Pair['sent'] = [];
  serveEncoder(
    {
      postMessage(message: FromEncoderWorker, transfer: Transferable[]) {
        sent.push({ type: message.type, moved: transfer.map((t) => (t as ArrayBuffer).byteLength) });
        port2.postMessage(message, transfer as unknown as ArrayBuffer[]);
      },
      addEventListener: (_type, listener) => port2.on('message', (data: unknown) => listener({ data } as MessageEvent<unknown>)),
    },
    open,
  );
  return { boundary: new FakeWorkerBoundary(port1), sent, close: () => (port1.close(), port2.close()) };
}

const openStandIn: OpenEncoder = async (_s, report) => {
  report({ kind: 'download', part: 'encoder', loadedBytes: 10, totalBytes: 10, fromCache: true });
  return { manifest, session: blockMeanSession(), backend: 'stand-in', threads: 1 };
};

describe('choosing the encoder worker', () => {
  it('"auto" starts it at 4 cores or more; "on" always, "off" never; only where the browser encodes', () => {
    expect(wantsEncoderWorker('auto', true, 4)).toBe(true);
    expect(wantsEncoderWorker('auto', true, 16)).toBe(true);
    expect(wantsEncoderWorker('auto', true, 2)).toBe(false);
    expect(wantsEncoderWorker('auto', true, 3)).toBe(false);
    expect(wantsEncoderWorker('auto', true, undefined)).toBe(false);
    expect(wantsEncoderWorker('on', true, 1)).toBe(true);
    expect(wantsEncoderWorker('off', true, 16)).toBe(false);
    expect(wantsEncoderWorker(undefined, true, 16)).toBe(false); // an older main thread sends nothing: one worker
    // The service encodes: the worker's embedding lane already overlaps, no second onnxruntime.
    expect(wantsEncoderWorker('on', false, 16)).toBe(false);
    expect(wantsEncoderWorker('auto', false, 16)).toBe(false);
  });

  it('splits the threads: the encoder gets the larger half, each at least 1', () => {
    expect(splitThreads(1)).toEqual({ encoder: 1, decoder: 1 });
    expect(splitThreads(2)).toEqual({ encoder: 1, decoder: 1 });
    expect(splitThreads(3)).toEqual({ encoder: 2, decoder: 1 });
    expect(splitThreads(4)).toEqual({ encoder: 2, decoder: 2 });
  });

  it('medsam.threads set: that budget is split; left to the default: the encoder keeps it, the decoder gets half, if both fit', () => {
    expect(threadShares(2, true, 8)).toEqual({ encoder: 1, decoder: 1 });
    expect(threadShares(4, true, 8)).toEqual({ encoder: 2, decoder: 2 });
    expect(threadShares(2, false, 4)).toEqual({ encoder: 2, decoder: 1 }); // 4 cores: default 2
    expect(threadShares(4, false, 8)).toEqual({ encoder: 4, decoder: 2 });
    expect(threadShares(4, false, 16)).toEqual({ encoder: 4, decoder: 2 });
    expect(threadShares(2, false, 2)).toEqual({ encoder: 1, decoder: 1 }); // "on" on 2 cores: 2 + 1 would not fit
    expect(threadShares(1, false, 4)).toEqual({ encoder: 1, decoder: 1 }); // not cross-origin isolated: 1 each
  });
});

describe('hand-over between the inference worker and its encoder worker', () => {
  it('gives the embeddings this worker computes, bit for bit, with the buffer moved; load progress comes through', async () => {
    const pair = encoderWorkerPair(openStandIn);
    try {
      const remote = new RemoteEncoder(pair.boundary);
      const progress: Progress[] = [];
      await remote.open(settings, (p) => progress.push(p));
      expect(progress).toEqual([{ kind: 'download', part: 'encoder', loadedBytes: 10, totalBytes: 10, fromCache: true }]);
      expect(remote.threads).toBe(1);
      const local = browserProducer(manifest, async () => blockMeanSession());
      // Two in flight at once, answered in order.
      const images = [slice(0), slice(3)];
      const remoteOut = await Promise.all(images.map((image) => remote.embed(image, ct, undefined, noop)));
      for (const [i, image] of images.entries()) {
        const here = await local.embed(image, ct, undefined, noop);
        const there = remoteOut[i]!;
        expect(there.source).toBe('browser');
        expect(there.embedding.dims).toEqual(manifest.embeddingDims);
        expect(Buffer.from(there.embedding.data.buffer).equals(Buffer.from(here.embedding.data.buffer))).toBe(true);
        expect(there.prepared).toEqual(here.prepared);
        expect(there.normalization).toEqual(here.normalization);
      }
      expect(Buffer.from(remoteOut[0]!.embedding.data.buffer).equals(Buffer.from(remoteOut[1]!.embedding.data.buffer))).toBe(false);
      const embeddingBytes = manifest.embeddingDims.reduce((a, b) => a * b, 1) * 4;
      expect(pair.sent.filter((m) => m.type === 'encoded').map((m) => m.moved)).toEqual([[embeddingBytes], [embeddingBytes]]);
      expect(remoteOut[0]!.embedding.data.buffer.byteLength).toBe(embeddingBytes);
    } finally {
      pair.close();
    }
  });

  it("keeps the encoder's own error and its code (a bad image fails as it would here, no fallback)", async () => {
    const pair = encoderWorkerPair(openStandIn);
    const warnings: string[] = [];
    try {
      const remote = new RemoteEncoder(pair.boundary);
      await remote.open(settings, noop);
      const localCalls: string[] = [];
      const local: EmbeddingProducer = { source: 'browser', embed: async () => Promise.reject(new Error(String(localCalls.push('local')))) };
      const producer = encoderWorkerOrLocal(() => remote, local, (w) => warnings.push(w));
      const bad = { ...slice(0), rows: 95 };
      await expect(producer.embed(bad, ct, undefined, noop)).rejects.toMatchObject({ name: 'MedSamError', code: 'BAD_IMAGE', message: expect.stringMatching(/image claims 95×128×1 samples but holds 12288/) });
      expect(localCalls).toEqual([]);
      expect(warnings).toEqual([]);
      expect(remote.stopped).toBeNull();
    } finally {
      pair.close();
    }
  });

  it('a cancelled request is refused before it is sent', async () => {
    const pair = encoderWorkerPair(openStandIn);
    try {
      const remote = new RemoteEncoder(pair.boundary);
      await remote.open(settings, noop);
      const abort = new AbortController();
      abort.abort();
      const before = pair.sent.length;
      await expect(remote.embed(slice(0), ct, abort.signal, noop)).rejects.toMatchObject({ code: 'CANCELLED' });
      await new Promise((r) => setTimeout(r, 20));
      expect(pair.sent.length).toBe(before);
    } finally {
      pair.close();
    }
  });

  it('an encoder worker that dies mid-walk: the waiting image and all later ones are encoded here, said once', async () => {
    let release: () => void = noop;
    const gate = new Promise<void>((r) => (release = r));
    // The encoder worker's session holds its second image until the worker has died.
    let runs = 0;
    const slowSecond: OpenEncoder = async () => {
      const session = blockMeanSession();
      return { manifest, backend: 'stand-in', threads: 1, session: { ...session, run: async (feeds, names) => (++runs === 2 && (await gate), session.run(feeds, names)) } };
    };
    const pair = encoderWorkerPair(slowSecond);
    const warnings: string[] = [];
    try {
      const remote = new RemoteEncoder(pair.boundary);
      await remote.open(settings, noop);
      const localSources: number[] = [];
      const localSession = blockMeanSession();
      const local = browserProducer(manifest, async () => (localSources.push(1), localSession));
      const producer = encoderWorkerOrLocal(() => remote, local, (w) => warnings.push(w));
      const first = await producer.embed(slice(1), ct, undefined, noop);
      expect(localSources).toEqual([]);
      const second = producer.embed(slice(2), ct, undefined, noop);
      await new Promise((r) => setTimeout(r, 20));
      pair.boundary.fail();
      const expected = await browserProducer(manifest, async () => blockMeanSession()).embed(slice(2), ct, undefined, noop);
      expect(Buffer.from((await second).embedding.data.buffer).equals(Buffer.from(expected.embedding.data.buffer))).toBe(true);
      await producer.embed(slice(3), ct, undefined, noop);
      expect(localSources).toEqual([1, 1]);
      expect(warnings).toEqual(['MedSAM: the encoder worker stopped (the encoder worker failed (its script did not load)); this worker encodes from now on']);
      expect(pair.boundary.terminated).toBe(true);
      expect(first.embedding.data.length).toBe(expected.embedding.data.length);
    } finally {
      release();
      pair.close();
    }
  });

  it('stopped on purpose (its model was replaced): the waiting request fails, nothing is encoded here', async () => {
    const never = new Promise<void>(noop);
    const stuck: OpenEncoder = async () => ({ manifest, backend: 'stand-in', threads: 1, session: { ...blockMeanSession(), run: async () => (await never, {}) } });
    const pair = encoderWorkerPair(stuck);
    const warnings: string[] = [];
    try {
      const remote = new RemoteEncoder(pair.boundary);
      await remote.open(settings, noop);
      const localCalls: number[] = [];
      const local: EmbeddingProducer = { source: 'browser', embed: async () => Promise.reject(new Error(String(localCalls.push(1)))) };
      const waiting = encoderWorkerOrLocal(() => remote, local, (w) => warnings.push(w)).embed(slice(0), ct, undefined, noop);
      await new Promise((r) => setTimeout(r, 20));
      remote.terminate();
      await expect(waiting).rejects.toThrow('the encoder worker was stopped');
      expect(localCalls).toEqual([]);
      expect(warnings).toEqual([]);
      expect(pair.boundary.terminated).toBe(true);
    } finally {
      pair.close();
    }
  });
});

describe('starting the encoder worker', () => {
  const failsToStart: [string, () => Promise<{ create: () => EncoderWorkerLike; boundary?: FakeWorkerBoundary; close?: () => void }>, RegExp][] = [
    [
      'no nested workers in this browser',
      async () => ({
        create: () => {
          throw new Error('Worker is not defined');
        },
      }),
      /could not start, so one worker encodes and decodes: Worker is not defined$/,
    ],
    [
      'its script does not load',
      async () => {
        const { port1 } = new MessageChannel();
        const boundary = new FakeWorkerBoundary(port1);
        setTimeout(() => boundary.fail(), 10);
        return { create: () => boundary, boundary, close: () => port1.close() };
      },
      /could not start, so one worker encodes and decodes: the encoder worker failed \(its script did not load\)$/,
    ],
    [
      'its encoder does not open there',
      async () => {
        const pair = encoderWorkerPair(async () => Promise.reject(new MedSamError('MODEL_HASH_MISMATCH', 'the encoder file "encoder.onnx" has SHA-256 abc')));
        return { create: () => pair.boundary, boundary: pair.boundary, close: pair.close };
      },
      /could not start, so one worker encodes and decodes: the encoder file "encoder.onnx" has SHA-256 abc$/,
    ],
  ];
  for (const [why, setUp, warning] of failsToStart) {
    it(`falls back to one worker and says so in the console when ${why}`, async () => {
      const { create, boundary, close } = await setUp();
      const warnings: string[] = [];
      try {
        expect(await startEncoderWorker(create, settings, noop, (w) => warnings.push(w))).toBeNull();
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^MedSAM: the encoder worker \(medsam.encoderWorker\)/);
        expect(warnings[0]).toMatch(warning);
        if (boundary) expect(boundary.terminated).toBe(true);
      } finally {
        close?.();
      }
    });
  }

  it('starts and opens the encoder there when it can', async () => {
    const pair = encoderWorkerPair(openStandIn);
    const warnings: string[] = [];
    try {
      const remote = await startEncoderWorker(() => pair.boundary, settings, noop, (w) => warnings.push(w));
      expect(remote).not.toBeNull();
      expect(remote!.backend).toBe('stand-in');
      expect(warnings).toEqual([]);
    } finally {
      pair.close();
    }
  });
});
