import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseManifest } from '../pipeline/manifest';
import type { PreparedImage } from '../pipeline/predictor';
import { encodeBody, littleEndianBytes, parseHeaderLength, sliceTensors, splitBody } from './oipBinary';
import { oipEncoder } from './oipClient';
import { OipError } from './oipErrors';
import { float16ToFloat32, float32ToFloat16 } from './oipFloat16';
import type { OipInferRequest } from './oipProtocol';

// A small model keeps the fake service's answers readable: input 8×8, embedding [1, 4, 2, 2].
const S = 8;
const DIMS = [1, 4, 2, 2];
const manifest = parseManifest({
  schema: 'medsam-ohif/model-manifest@1',
  name: 'tiny',
  version: '1',
  description: 'test',
  testModel: true,
  profile: 'medsam-stretch-1024',
  inputSize: S,
  embeddingDims: DIMS,
  lowResSize: 4,
  encoder: { file: 'e.onnx', sha256: 'a'.repeat(64), inputFormat: 'uint8-hw', inputs: { image: 'image_u8' }, outputs: { embedding: 'image_embeddings' } },
  decoder: { file: 'd.onnx', sha256: 'b'.repeat(64), contract: 'box', inputs: { embedding: 'image_embeddings', box: 'box' }, outputs: { lowResLogits: 'l' }, maskIndex: 0 },
});
const EMBEDDING = Float32Array.from({ length: 16 }, (_, i) => (i - 8) / 7.3);
const image = Uint8Array.from({ length: S * S }, (_, i) => (i * 37) % 256);

function prepared(encoderInput: PreparedImage['encoderInput'] = { type: 'uint8', dims: [S, S], data: image }): PreparedImage {
  return {
    rows: S,
    columns: S,
    normalization: { rule: 'rgb' },
    transform: { profile: 'medsam-stretch-1024', inputSize: S, scaledRows: S, scaledColumns: S, sourceRows: S, sourceColumns: S },
    encoderInput,
    timings: {},
  };
}

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

interface Fake {
  readonly url: string;
  readonly requests: { url: string; headers: IncomingMessage['headers']; body: Buffer }[];
  infer: Handler;
  extensions: string[];
  ready: number;
  modelMetadata: object;
}

let server: Server;
let fake: Fake;

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

/** Answers like our server: FP16 on request when the extension is advertised, else FP32. */
const goodInfer: Handler = (_req, body, res) => {
  const h = Number(_req.headers['inference-header-content-length']);
  const request = splitBody(body, h).json as OipInferRequest;
  const fp16 = request.outputs?.[0].parameters?.datatype === 'FP16';
  const bytes = fp16 ? littleEndianBytes(float32ToFloat16(EMBEDDING)) : littleEndianBytes(EMBEDDING);
  const { body: out, headerLength } = encodeBody(
    { model_name: 'tiny', outputs: [{ name: 'image_embeddings', shape: DIMS, datatype: fp16 ? 'FP16' : 'FP32', parameters: { binary_data_size: bytes.byteLength } }] },
    [bytes],
  );
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(headerLength) });
  res.end(out);
};

beforeEach(async () => {
  fake = {
    url: '',
    requests: [],
    infer: goodInfer,
    extensions: ['binary_tensor_data', 'medsam_output_datatype'],
    ready: 200,
    modelMetadata: {
      name: 'tiny',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'image_u8', datatype: 'UINT8', shape: [S, S] }],
      outputs: [{ name: 'image_embeddings', datatype: 'FP32', shape: DIMS }],
    },
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      fake.requests.push({ url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/v2') return json(res, 200, { name: 'fake', version: '1', extensions: fake.extensions });
      if (req.url === '/v2/models/tiny') return json(res, 200, fake.modelMetadata);
      if (req.url === '/v2/models/tiny/ready') return res.writeHead(fake.ready).end();
      if (req.url === '/v2/models/tiny/infer') return fake.infer(req, body, res);
      json(res, 404, { error: `unknown ${req.url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake = { ...fake, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(p: Promise<unknown>): Promise<OipError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof OipError)) throw new Error(`expected an OipError, got ${String(e)}`);
  return e;
}

describe('oipEncoder', () => {
  it('sends UINT8 as binary and takes FP16 from a server that converts, with the token', async () => {
    const enc = oipEncoder({ url: fake.url, token: 'tok-12345678' }, manifest);
    expect(await enc.isReady()).toBe(true);
    const embedding = await enc.encode(prepared());
    expect(embedding.type).toBe('float32');
    expect(embedding.dims).toEqual(DIMS);
    expect([...embedding.data]).toEqual([...float16ToFloat32(float32ToFloat16(EMBEDDING))]);
    const sent = fake.requests.find((r) => r.url.endsWith('/infer'))!;
    expect(sent.headers.authorization).toBe('Bearer tok-12345678');
    const h = parseHeaderLength(sent.headers['inference-header-content-length'] as string, sent.body.byteLength);
    const { json: header, binary } = splitBody(sent.body, h);
    expect(header).toEqual({
      parameters: { binary_data_output: true },
      inputs: [{ name: 'image_u8', shape: [S, S], datatype: 'UINT8', parameters: { binary_data_size: S * S } }],
      outputs: [{ name: 'image_embeddings', parameters: { binary_data: true, datatype: 'FP16' } }],
    });
    expect([...sliceTensors(binary, [S * S])[0]]).toEqual([...image]);
  });

  it('sends no non-standard parameter to a server without the extension (Triton), and takes FP32', async () => {
    fake.extensions = ['binary_tensor_data'];
    fake.modelMetadata = { ...fake.modelMetadata, inputs: [{ name: 'raw_image', datatype: 'UINT8', shape: [-1, -1] }] };
    const embedding = await oipEncoder({ url: `${fake.url}/`, model: 'tiny' }, manifest).encode(prepared());
    expect([...embedding.data]).toEqual([...EMBEDDING]);
    const { json: header } = splitBody(fake.requests.at(-1)!.body, Number(fake.requests.at(-1)!.headers['inference-header-content-length']));
    expect((header as OipInferRequest).inputs[0].name).toBe('raw_image');
    expect((header as OipInferRequest).outputs?.[0].parameters).toEqual({ binary_data: true });
  });

  it('reads a JSON answer too', async () => {
    fake.infer = (_q, _b, res) => json(res, 200, { model_name: 'tiny', outputs: [{ name: 'image_embeddings', shape: DIMS, datatype: 'FP32', data: Array.from(EMBEDDING) }] });
    expect([...(await oipEncoder({ url: fake.url }, manifest).encode(prepared())).data]).toEqual([...EMBEDDING]);
  });

  it.each<[string, Handler, RegExp]>([
    ['a wrong shape', (_q, _b, res) => json(res, 200, { outputs: [{ name: 'image_embeddings', shape: [1, 4, 4], datatype: 'FP32', data: Array.from(EMBEDDING) }] }), /shape \[1, 4, 4\], expected \[1, 4, 2, 2\]/],
    ['a missing output', (_q, _b, res) => json(res, 200, { outputs: [{ name: 'masks', shape: DIMS, datatype: 'FP32', data: [] }] }), /no output "image_embeddings" \(got masks\)/],
    ['a wrong datatype', (_q, _b, res) => json(res, 200, { outputs: [{ name: 'image_embeddings', shape: DIMS, datatype: 'INT32', data: Array.from(EMBEDDING) }] }), /datatype INT32/],
    ['too few values', (_q, _b, res) => json(res, 200, { outputs: [{ name: 'image_embeddings', shape: DIMS, datatype: 'FP32', data: [1, 2] }] }), /holds 2 values/],
    ['binary bytes that do not match the size', (_q, _b, res) => {
      const { body, headerLength } = encodeBody({ outputs: [{ name: 'image_embeddings', shape: DIMS, datatype: 'FP32', parameters: { binary_data_size: 64 } }] }, [new Uint8Array(60)]);
      res.writeHead(200, { 'Inference-Header-Content-Length': String(headerLength) }).end(body);
    }, /add up to 64 bytes, but 60/],
    ['binary of the wrong length for the shape', (_q, _b, res) => {
      const { body, headerLength } = encodeBody({ outputs: [{ name: 'image_embeddings', shape: DIMS, datatype: 'FP32', parameters: { binary_data_size: 32 } }] }, [new Uint8Array(32)]);
      res.writeHead(200, { 'Inference-Header-Content-Length': String(headerLength) }).end(body);
    }, /sends 32 bytes.*needs 64/],
    ['a header length past the body', (_q, _b, res) => res.writeHead(200, { 'Inference-Header-Content-Length': '9999' }).end('{}'), /whole body has only 2/],
    ['not JSON', (_q, _b, res) => res.writeHead(200).end('<html>proxy error</html>'), /not valid JSON/],
  ])('refuses %s: never a silently wrong embedding', async (_, handler, message) => {
    fake.infer = handler;
    const e = await failure(oipEncoder({ url: fake.url }, manifest).encode(prepared()));
    expect(e.failure).toBe('bad-response');
    expect(e.message).toMatch(message);
  });

  it('says when to retry on 503, and passes on 4xx and 5xx messages', async () => {
    fake.infer = (_q, _b, res) => json(res, 503, { error: 'queue full' }, { 'Retry-After': '7' });
    let e = await failure(oipEncoder({ url: fake.url }, manifest).encode(prepared()));
    expect([e.failure, e.details.retryAfterSeconds, e.code]).toEqual(['busy', 7, 'MODEL_UNAVAILABLE']);
    expect(e.message).toMatch(/busy.*queue full.*retry after 7 s/);
    fake.infer = (_q, _b, res) => json(res, 400, { error: 'input "image_u8" has shape [3, 3]' });
    e = await failure(oipEncoder({ url: fake.url }, manifest).encode(prepared()));
    expect([e.failure, e.details.status]).toEqual(['rejected', 400]);
    expect(e.message).toMatch(/rejected inference.*\(400: input "image_u8" has shape \[3, 3\]\)/);
    fake.infer = (_q, _b, res) => json(res, 401, { error: 'bad token' });
    expect((await failure(oipEncoder({ url: fake.url }, manifest).encode(prepared()))).failure).toBe('unauthorized');
    fake.infer = (_q, _b, res) => json(res, 504, { error: 'too slow' });
    expect((await failure(oipEncoder({ url: fake.url }, manifest).encode(prepared()))).failure).toBe('timeout');
    fake.infer = (_q, _b, res) => res.writeHead(500).end('boom');
    e = await failure(oipEncoder({ url: fake.url }, manifest).encode(prepared()));
    expect(e.failure).toBe('server-error');
    expect(e.message).toMatch(/500: boom/);
  });

  it('reports a service that is down, not ready or incompatible, and isReady() says false', async () => {
    const down = oipEncoder({ url: 'http://127.0.0.1:9' }, manifest);
    expect(await down.isReady()).toBe(false);
    const e = await failure(down.encode(prepared()));
    expect(e.failure).toBe('unreachable');
    expect(e.message).toMatch(/cannot reach the inference service at http:\/\/127.0.0.1:9/);

    fake.ready = 400;
    const notReady = oipEncoder({ url: fake.url }, manifest);
    expect(await notReady.isReady()).toBe(false);
    expect((await failure(notReady.checkReady())).failure).toBe('not-ready');

    fake.ready = 200;
    fake.modelMetadata = { ...fake.modelMetadata, inputs: [{ name: 'image', datatype: 'FP32', shape: [1, 3, S, S] }] };
    const wrong = oipEncoder({ url: fake.url }, manifest);
    expect(await wrong.isReady()).toBe(false);
    const c = await failure(wrong.encode(prepared()));
    expect([c.failure, c.code]).toEqual(['incompatible', 'MODEL_CONTRACT']);
    expect(c.message).toMatch(/takes image FP32 \[1, 3, 8, 8\]; the client sends the compact image UINT8 \[8, 8\]/);
  });

  it('sends a LiteMedSAM image unpadded at its own size, and needs variable dims on the service', async () => {
    const lite = parseManifest({ ...JSON.parse(JSON.stringify(manifest)), profile: 'litemedsam-longest-256' });
    const small = Uint8Array.from({ length: S * 5 }, (_, i) => i);
    fake.modelMetadata = { ...fake.modelMetadata, inputs: [{ name: 'image_u8', datatype: 'UINT8', shape: [-1, -1] }] };
    await oipEncoder({ url: fake.url }, lite).encode(prepared({ type: 'uint8', dims: [5, S], data: small }));
    const sent = fake.requests.find((r) => r.url.endsWith('/infer'))!;
    const { json: header, binary } = splitBody(sent.body, Number(sent.headers['inference-header-content-length']));
    expect((header as OipInferRequest).inputs[0]).toMatchObject({ shape: [5, S], parameters: { binary_data_size: 5 * S } });
    expect([...binary]).toEqual([...small]);
    // Sizes that are not a longest-side-S resize never leave the client.
    const e = await failure(oipEncoder({ url: fake.url }, lite).encode(prepared({ type: 'uint8', dims: [5, 5], data: new Uint8Array(25) })));
    expect(e.message).toMatch(/longest side 8/);
    // A fixed [S, S] service input would be a padded grid whose min-max sees the padding: refused.
    fake.modelMetadata = { ...fake.modelMetadata, inputs: [{ name: 'image_u8', datatype: 'UINT8', shape: [S, S] }] };
    const c = await failure(oipEncoder({ url: fake.url }, lite).encode(prepared({ type: 'uint8', dims: [S, S], data: image })));
    expect([c.failure, c.message]).toEqual(['incompatible', expect.stringMatching(/takes image_u8 UINT8 \[8, 8\]; the client sends the compact image UINT8 \[-1, -1\] \(litemedsam-longest-256: the resized image before padding/)]);
  });

  it('refuses a float32 prepared image before sending anything', async () => {
    const e = await failure(oipEncoder({ url: fake.url }, manifest).encode(prepared({ type: 'float32', dims: [1, 3, S, S], data: new Float32Array(3 * S * S) })));
    expect(e.message).toMatch(/prepare it with a manifest whose encoder.inputFormat is "uint8-hw"/);
    expect(fake.requests).toHaveLength(0);
  });

  it('honours an AbortSignal and its own timeout', async () => {
    fake.infer = () => undefined; // never answers
    const ac = new AbortController();
    const pending = oipEncoder({ url: fake.url }, manifest).encode(prepared(), ac.signal);
    setTimeout(() => ac.abort(new Error('user moved on')), 100);
    await expect(pending).rejects.toThrow('user moved on');
    const e = await failure(oipEncoder({ url: fake.url, timeoutMs: 200 }, manifest).encode(prepared()));
    expect(e.failure).toBe('timeout');
    expect(e.message).toMatch(/no complete answer within 200 ms/);
  });

  it('reports a connection that breaks mid-answer', async () => {
    fake.infer = (_q, _b, res) => {
      res.writeHead(200, { 'Content-Length': '100000', 'Content-Type': 'application/json' });
      res.write('{"outputs": [');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const e = await failure(oipEncoder({ url: fake.url }, manifest).encode(prepared()));
    expect(e.failure).toBe('connection-lost');
    expect(e.message).toMatch(/closed the connection before answering/);
  });
});
