import type { SourceImage, Tensor } from '@medsam-ohif/core';
import { OipError } from '@medsam-ohif/core/src/runtimes/oipErrors';
import type { EncoderStatus } from '../protocol';
import { EncoderRouter } from './EncoderRouter';
import type { ServiceProducer } from './serviceEncoder';
import type { ComputedEmbedding, EmbeddingProducer } from './types';

const grey = { samplesPerPixel: 1 } as SourceImage;
const rgb = { samplesPerPixel: 3 } as SourceImage;
const spec = { kind: 'auto' } as const;
const noop = () => undefined;

function embedding(source: 'browser' | 'service'): ComputedEmbedding {
  return { embedding: { type: 'float32', dims: [1], data: new Float32Array(1) } as Tensor, prepared: {} as ComputedEmbedding['prepared'], normalization: {} as ComputedEmbedding['normalization'], timings: {}, source };
}

function fakes(serviceBehaviour: () => Promise<ComputedEmbedding>, ready: () => Promise<void> = async () => undefined) {
  const calls: string[] = [];
  const browser: EmbeddingProducer = { source: 'browser', embed: async () => (calls.push('browser'), embedding('browser')) };
  const service: ServiceProducer = {
    source: 'service',
    url: 'http://svc/',
    checkReady: async () => (calls.push('ready'), ready()),
    embed: async () => (calls.push('service'), serviceBehaviour()),
  };
  return { calls, browser, service };
}

const lost = () => new OipError('connection-lost', 'the inference service at http://svc/v2/models/m/infer closed the connection before answering');
const badGateway = () => new OipError('server-error', 'the inference service failed on inference (502: embedding service unreachable)', { status: 502 });

describe('EncoderRouter', () => {
  it('"browser" never asks the service', async () => {
    const f = fakes(async () => embedding('service'));
    const router = new EncoderRouter({ backend: 'browser', browser: f.browser, service: f.service });
    expect(await router.start()).toMatchObject({ backend: 'browser', active: 'browser', note: null });
    expect((await router.embed(grey, spec, undefined, noop)).source).toBe('browser');
    expect(f.calls).toEqual(['browser']);
  });

  it('"service": a service that is not ready fails the load; one that dies mid-request fails the box in plain words', async () => {
    const down = fakes(async () => embedding('service'), async () => Promise.reject(new OipError('unreachable', 'cannot reach the inference service')));
    await expect(new EncoderRouter({ backend: 'service', browser: down.browser, service: down.service }).start()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    for (const failure of [lost, badGateway]) {
      const f = fakes(async () => Promise.reject(failure()));
      const router = new EncoderRouter({ backend: 'service', browser: f.browser, service: f.service });
      await router.start();
      const error = await router.embed(grey, spec, undefined, noop).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'WorkerError', code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/^the embedding service stopped answering/) });
      expect(f.calls).not.toContain('browser');
      expect(router.status()).toMatchObject({ active: 'service', note: expect.stringMatching(/stopped answering/) });
    }
  });

  it('"service" without a configured service refuses to load instead of quietly using the browser', async () => {
    const f = fakes(async () => embedding('service'));
    await expect(new EncoderRouter({ backend: 'service', browser: f.browser, service: null }).start()).rejects.toThrow(/needs medsam.embeddingServiceUrl/);
  });

  it('"service" keeps a refusal as it is (a wrong token is not "stopped answering")', async () => {
    const f = fakes(async () => Promise.reject(new OipError('unauthorized', 'refused (401)', { status: 401 })));
    const router = new EncoderRouter({ backend: 'service', browser: f.browser, service: f.service });
    await expect(router.embed(grey, spec, undefined, noop)).rejects.toMatchObject({ name: 'OipError', code: 'MODEL_UNAVAILABLE' });
  });

  it('"auto" falls back to the browser for the failed image, says why, and asks the service again later', async () => {
    let now = 0;
    let failing = true;
    const statuses: EncoderStatus[] = [];
    const f = fakes(async () => (failing ? Promise.reject(lost()) : embedding('service')));
    const router = new EncoderRouter({ backend: 'auto', browser: f.browser, service: f.service, onStatus: (s) => statuses.push(s), retryMs: 1000, clock: () => now });
    expect(await router.start()).toMatchObject({ active: 'service', serviceUrl: 'http://svc/' });
    const fallback = await router.embed(grey, spec, undefined, noop);
    expect(fallback.source).toBe('browser');
    expect(fallback.fallback).toMatch(/stopped answering.*embedded in the browser instead/);
    expect(statuses.at(-1)).toMatchObject({ active: 'browser', note: expect.stringMatching(/stopped answering/) });
    // Within the retry time the service is left alone.
    f.calls.length = 0;
    expect((await router.embed(grey, spec, undefined, noop)).source).toBe('browser');
    expect(f.calls).toEqual(['browser']);
    // After it, readiness first, then the service again.
    failing = false;
    now = 1000;
    f.calls.length = 0;
    const back = await router.embed(grey, spec, undefined, noop);
    expect(back).toMatchObject({ source: 'service' });
    expect(back.fallback).toBeUndefined();
    expect(f.calls).toEqual(['ready', 'service']);
    expect(statuses.at(-1)).toMatchObject({ active: 'service', note: null });
  });

  it('"auto" starts on the browser when the service is not ready, and sends colour images to the browser', async () => {
    const f = fakes(async () => embedding('service'), async () => Promise.reject(new OipError('not-ready', 'model "m" is not ready (HTTP 400)')));
    const router = new EncoderRouter({ backend: 'auto', browser: f.browser, service: f.service, clock: () => 0 });
    expect(await router.start()).toMatchObject({ active: 'browser', note: expect.stringMatching(/not available.*not ready/) });
    const ok = fakes(async () => embedding('service'));
    const r2 = new EncoderRouter({ backend: 'auto', browser: ok.browser, service: ok.service });
    expect((await r2.embed(rgb, spec, undefined, noop)).source).toBe('browser');
    expect(r2.status().active).toBe('service');
  });

  it('a cancelled request is a cancellation, not a fallback', async () => {
    const abort = new AbortController();
    const f = fakes(async () => {
      abort.abort();
      throw new DOMException('aborted', 'AbortError');
    });
    const router = new EncoderRouter({ backend: 'auto', browser: f.browser, service: f.service });
    await expect(router.embed(grey, spec, abort.signal, noop)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(router.status().active).toBe('service');
    expect(f.calls).not.toContain('browser');
  });
});
