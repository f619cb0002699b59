// The embedding service speaking the Open Inference Protocol v2: every endpoint, the binary tensor data
// extension, FP32/FP16, and every kind of bad request, against a real server on loopback running the real
// onnxruntime-node in its worker thread.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { encodeBody, parseHeaderLength, readFloat32, readUint16, sliceTensors, splitBody } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { float16ToFloat32, float32ToFloat16 } from '@medsam-ohif/core/src/runtimes/oipFloat16';
import { oipEncoder } from '@medsam-ohif/core/src/runtimes/oipClient';
import type { OipInferResponse } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { startService, silentLogger, type RunningService } from '../../server/src';
import { binaryRequest, buildServer, referenceEmbedding, S, testImage, testModel } from '../../server/src/testing/harness';

const TOKEN = 'test-token-123456';
const ORIGIN = 'http://localhost:3000';
const MAX_BODY = 6 * 1024 * 1024;
let service: RunningService;
let reference: Float32Array; // the in-process embedding of the source image
let compact: Uint8Array; // that image as the service receives it: UINT8 [1024, 1024]

const auth = { Authorization: `Bearer ${TOKEN}` };
const call = (path: string, init: RequestInit = {}) =>
  fetch(`${service.url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });

async function infer(model: string, body: BodyInit, headers: Record<string, string>) {
  const res = await call(`/v2/models/${model}/infer`, { method: 'POST', body, headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes };
}

/** Splits a binary response into its JSON header and its single output's bytes. */
function binaryOutput(res: Response, bytes: Uint8Array): { json: OipInferResponse; data: Uint8Array } {
  const { json, binary } = splitBody(bytes, parseHeaderLength(res.headers.get('inference-header-content-length'), bytes.byteLength));
  const response = json as OipInferResponse;
  const [data] = sliceTensors(binary, response.outputs.map((o) => Number(o.parameters?.binary_data_size)));
  return { json: response, data };
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

/** Raw HTTP, for what fetch will not send (a foreign Host header, a lying Content-Length). */
function raw(path: string, headers: Record<string, string | number>, body = ''): Promise<{ status: number; body: string }> {
  const url = new URL(service.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: body ? 'POST' : 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  const build = buildServer('protocol');
  ({ embedding: reference, compact } = referenceEmbedding(build));
  const { worker } = build;
  service = await startService(
    {
      models: [testModel('manifest-f32.json'), testModel('manifest-u8.json')],
      host: '127.0.0.1',
      port: 0,
      threads: 1,
      concurrency: 1,
      queue: 8,
      maxBodyBytes: MAX_BODY,
      timeoutMs: 60_000,
      token: TOKEN,
      corsOrigins: [ORIGIN],
    },
    silentLogger,
    worker,
  );
});

afterAll(async () => {
  await service?.stop();
});

describe('health and metadata', () => {
  it('answers live and ready with 200 and an empty body, without a token', async () => {
    for (const path of ['/v2/health/live', '/v2/health/ready']) {
      const res = await fetch(`${service.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
  });

  it('describes the server and its extensions', async () => {
    const res = await call('/v2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ name: 'medsam-ohif-embedding-server', version: '0.1.0', extensions: ['binary_tensor_data', 'medsam_output_datatype', 'medsam_embedding_cache'] });
  });

  it.each(['server-test-f32', 'server-test-u8'])('describes model %s as UINT8 [1024, 1024] in, FP32 embedding out', async (name) => {
    const res = await call(`/v2/models/${name}`);
    expect(await res.json()).toEqual({
      name,
      versions: ['1.0.0'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'image_u8', datatype: 'UINT8', shape: [1024, 1024] }],
      outputs: [{ name: 'image_embeddings', datatype: 'FP32', shape: [1, 256, 64, 64] }],
    });
    expect((await call(`/v2/models/${name}/ready`)).status).toBe(200);
    expect((await call(`/v2/models/${name}/versions/1.0.0/ready`)).status).toBe(200);
    expect((await call(`/v2/models/${name}/versions/1.0.0`)).status).toBe(200);
  });

  it('answers unknown models, versions and paths with protocol-shaped errors', async () => {
    const cases: [string, number, RegExp][] = [
      ['/v2/models/nope', 404, /unknown model "nope"; this service serves: server-test-f32, server-test-u8/],
      ['/v2/models/nope/ready', 404, /unknown model/],
      ['/v2/models/server-test-u8/versions/2/ready', 404, /no version "2"/],
      ['/v2/models/..%2F..%2Fetc/ready', 400, /invalid model name/],
      ['/v2/models/.hidden', 400, /invalid model name/],
      ['/v2/nothing', 404, /no endpoint/],
      ['/etc/passwd', 404, /no endpoint/],
    ];
    for (const [path, status, message] of cases) {
      const res = await call(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = (await res.json()) as { error: string };
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toMatch(message);
    }
  });

  it('refuses the wrong method with 405 and Allow', async () => {
    const res = await call('/v2/models/server-test-u8/infer');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await call('/v2', { method: 'POST', body: '{}' })).status).toBe(405);
  });
});

describe('inference', () => {
  it('returns the in-process embedding, FP32 binary, from both the wrapped and the float32 encoder', async () => {
    for (const model of ['server-test-u8', 'server-test-f32']) {
      const { body, headers } = binaryRequest(compact, { id: `req-${model}` });
      const { res, bytes } = await infer(model, body, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('server-timing')).toMatch(/queue;dur=[\d.]+, encoder;dur=[\d.]+/);
      const { json, data } = binaryOutput(res, bytes);
      expect(json).toEqual({
        model_name: model,
        model_version: '1.0.0',
        id: `req-${model}`,
        // The embedding cache (medsam_embedding_cache) names the kept embedding for the decoder model.
        parameters: { embedding_id: expect.stringMatching(/^[0-9a-f]{64}$/) },
        outputs: [{ name: 'image_embeddings', shape: [1, 256, 64, 64], datatype: 'FP32', parameters: { binary_data_size: 256 * 64 * 64 * 4 } }],
      });
      const embedding = readFloat32(data);
      expect(maxAbsDiff(embedding, reference)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('returns FP16 rounded to nearest from the FP32 result', async () => {
    const { body, headers } = binaryRequest(compact, { datatype: 'FP16' });
    const { res, bytes } = await infer('server-test-u8', body, headers);
    const { json, data } = binaryOutput(res, bytes);
    expect(json.outputs[0]).toMatchObject({ datatype: 'FP16', parameters: { binary_data_size: 256 * 64 * 64 * 2 } });
    const halves = readUint16(data);
    // Within FP16 precision of the in-process embedding (|values| < 1: half a step is at most 2^-12)...
    expect(maxAbsDiff(float16ToFloat32(halves), reference)).toBeLessThanOrEqual(2 ** -11);
    // ...and exactly the nearest halves of the service's own FP32 answer.
    const fp32 = binaryOutput(...(await (async () => {
      const r = await infer('server-test-u8', binaryRequest(compact).body, binaryRequest(compact).headers);
      return [r.res, r.bytes] as const;
    })()));
    expect(Buffer.from(float32ToFloat16(readFloat32(fp32.data)).buffer).equals(Buffer.from(halves.buffer))).toBe(true);
  });

  it('takes JSON data (nested) and answers JSON', async () => {
    const image = compact;
    const rows = Array.from({ length: S }, (_, r) => Array.from(image.subarray(r * S, (r + 1) * S)));
    const body = JSON.stringify({ id: 'j', inputs: [{ name: 'image_u8', shape: [S, S], datatype: 'UINT8', data: rows }] });
    const { res, bytes } = await infer('server-test-u8', body, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('inference-header-content-length')).toBeNull();
    const json = JSON.parse(Buffer.from(bytes).toString()) as OipInferResponse;
    expect(json.outputs[0]).toMatchObject({ name: 'image_embeddings', datatype: 'FP32', shape: [1, 256, 64, 64] });
    expect(maxAbsDiff(json.outputs[0].data ?? [], reference)).toBeLessThanOrEqual(1e-4);
  });

  it('answers binary for JSON input when binary_data_output is set for the request', async () => {
    const body = JSON.stringify({
      parameters: { binary_data_output: true },
      inputs: [{ name: 'image_u8', shape: [S, S], datatype: 'UINT8', data: Array.from(compact) }],
    });
    const { res, bytes } = await infer('server-test-u8', body, { 'Content-Type': 'application/json' });
    expect(maxAbsDiff(readFloat32(binaryOutput(res, bytes).data), reference)).toBeLessThanOrEqual(1e-4);
  });
});

describe('bad requests get a 4xx that says why, and the service keeps serving', () => {
  const good = () => binaryRequest(testImage(2));
  const lying = () => {
    const { body, headers } = good();
    return { body, length: Number(headers['Inference-Header-Content-Length']) };
  };

  it.each<[string, () => { body: BodyInit; headers: Record<string, string> }, number, RegExp]>([
    ['bad JSON', () => ({ body: '{"inputs": [', headers: {} }), 400, /not valid JSON/],
    ['a wrong shape', () => ({ body: JSON.stringify({ inputs: [{ name: 'image_u8', shape: [512, 512], datatype: 'UINT8', data: [] }] }), headers: {} }), 400, /shape \[512, 512\]; the model takes image_u8 UINT8 \[1024, 1024\]/],
    ['a wrong datatype', () => ({ body: JSON.stringify({ inputs: [{ name: 'image_u8', shape: [S, S], datatype: 'FP32', data: [] }] }), headers: {} }), 400, /datatype "FP32"/],
    ['a wrong input name', () => binaryRequest(testImage(2), { input: 'image' }), 400, /no input "image"/],
    ['FP16 as JSON', () => binaryRequest(testImage(2), { datatype: 'FP16', binaryOutput: false }), 400, /FP16 needs the binary tensor data extension/],
    ['a header length past the body', () => ({ body: lying().body, headers: { 'Inference-Header-Content-Length': String(lying().body.byteLength + 10) } }), 400, /whole body has only/],
    ['a header length cutting the JSON', () => ({ body: lying().body, headers: { 'Inference-Header-Content-Length': String(lying().length - 7) } }), 400, /first \d+ bytes.*not valid JSON/],
    ['a header length swallowing data', () => ({ body: lying().body, headers: { 'Inference-Header-Content-Length': String(lying().length + 100) } }), 400, /not valid JSON/],
    ['a header length that is not a number', () => ({ body: lying().body, headers: { 'Inference-Header-Content-Length': 'lots' } }), 400, /must be a byte count/],
    ['binary bytes missing', () => ({ body: lying().body.subarray(0, lying().body.byteLength - 1), headers: { 'Inference-Header-Content-Length': String(lying().length) } }), 400, /add up to 1048576 bytes, but 1048575/],
    ['a body over --max-body-bytes', () => ({ body: new Uint8Array(MAX_BODY + 1), headers: {} }), 413, /larger than the 6291456-byte limit/],
  ])('%s', async (_, make, status, message) => {
    const { body, headers } = make();
    const { res, bytes } = await infer('server-test-u8', body, headers);
    expect(res.status).toBe(status);
    expect(JSON.parse(Buffer.from(bytes).toString()).error).toMatch(message);
    const ok = await infer('server-test-u8', good().body, good().headers);
    expect(ok.res.status).toBe(200);
  });

  it('refuses an unknown model with 404 and a bad or missing token with 401', async () => {
    const { body, headers } = good();
    expect((await infer('no-such-model', body, headers)).res.status).toBe(404);
    for (const authorization of [undefined, 'Bearer wrong-token-000000', 'Basic dXNlcjpwYXNz', `Bearer ${TOKEN}x`]) {
      const res = await fetch(`${service.url}/v2/models/server-test-u8/infer`, {
        method: 'POST',
        body,
        headers: { ...headers, ...(authorization ? { Authorization: authorization } : {}) },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as { error: string }).error).toMatch(/Bearer|token/);
    }
    expect((await fetch(`${service.url}/v2`)).status).toBe(401);
  });

  it('refuses a Content-Length over the limit before reading the body', async () => {
    const res = await raw('/v2/models/server-test-u8/infer', { ...auth, 'Content-Length': MAX_BODY * 10 }, 'x');
    expect(res.status).toBe(413);
  });

  it('refuses a Host that is not loopback while bound to loopback (DNS rebinding)', async () => {
    const res = await raw('/v2/health/live', { Host: 'evil.example:8000' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toMatch(/host "evil.example:8000" is not allowed/);
    expect((await raw('/v2/health/live', { Host: 'localhost:1234' })).status).toBe(200);
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const res = await fetch(`${service.url}/v2/models/server-test-u8/infer`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, inference-header-content-length' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization.*Inference-Header-Content-Length/);
  });

  it('exposes the protocol headers to an allowed origin and refuses others outright', async () => {
    const { body, headers } = binaryRequest(compact);
    const { res } = await infer('server-test-u8', body, { ...headers, Origin: ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Inference-Header-Content-Length/);
    const evil = await infer('server-test-u8', body, { ...headers, Origin: 'https://evil.example' });
    expect(evil.res.status).toBe(403);
    expect(evil.res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${service.url}/v2`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
    expect(preflight.status).toBe(403);
    const plain = await call('/v2');
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('JSON and binary agree', () => {
  it('sends exactly the same FP32 values either way', async () => {
    const image = testImage(3);
    const b = binaryRequest(image);
    const bin = await infer('server-test-f32', b.body, b.headers);
    const j = encodeBody({ inputs: [{ name: 'image_u8', shape: [S, S], datatype: 'UINT8', data: Array.from(image) }] }, []);
    const js = await infer('server-test-f32', j.body, {});
    const fromJson = Float32Array.from((JSON.parse(Buffer.from(js.bytes).toString()) as OipInferResponse).outputs[0].data ?? []);
    expect(Buffer.from(fromJson.buffer).equals(Buffer.from(readFloat32(binaryOutput(bin.res, bin.bytes).data).buffer))).toBe(true);
  });
});

describe('the OIP client (core/src/runtimes/oipClient) against the service', () => {
  const preparedOf = (data: Uint8Array) => ({
    rows: 300,
    columns: 420,
    normalization: { rule: 'rgb' as const },
    transform: { profile: 'medsam-stretch-1024' as const, inputSize: S, scaledRows: S, scaledColumns: S, sourceRows: 300, sourceColumns: 420 },
    encoderInput: { type: 'uint8' as const, dims: [S, S], data },
    timings: {},
  });
  const u8Manifest = () => parseManifest(JSON.parse(readFileSync(testModel('manifest-u8.json'), 'utf8')));

  it('gets the in-process embedding over FP16 (default) and FP32, from both served forms', async () => {
    for (const model of ['server-test-u8', 'server-test-f32']) {
      const fp16 = oipEncoder({ url: service.url, model, token: TOKEN }, u8Manifest());
      expect(await fp16.isReady()).toBe(true);
      const a = await fp16.encode(preparedOf(compact));
      expect(maxAbsDiff(a.data as Float32Array, reference)).toBeLessThanOrEqual(2 ** -11);
      const b = await oipEncoder({ url: service.url, model, token: TOKEN, output: 'FP32' }, u8Manifest()).encode(preparedOf(compact));
      expect(maxAbsDiff(b.data as Float32Array, reference)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('names a missing token and an unknown model', async () => {
    const noToken = oipEncoder({ url: service.url }, u8Manifest());
    expect(await noToken.isReady()).toBe(false);
    await expect(noToken.encode(preparedOf(compact))).rejects.toMatchObject({ failure: 'unauthorized' });
    const unknown = oipEncoder({ url: service.url, model: 'nope', token: TOKEN }, u8Manifest());
    await expect(unknown.encode(preparedOf(compact))).rejects.toThrow(/unknown model "nope"/);
  });
});
