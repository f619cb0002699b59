// The embedding service with the LiteMedSAM-profile test model (models/test-tiny-256, NOT LiteMedSAM): its
// uint8-wrapped encoder takes the resized image before padding (UINT8 [-1, -1], longest side 256) and gives
// the embedding the CLI computes in-process with the float32 encoder; so does the float32 manifest served
// directly (the server pads after min-max, as LiteMedSAM). A real server on loopback, real onnxruntime-node.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { longestSideSize } from '@medsam-ohif/core/src/pipeline/resize';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { encodeBody, parseHeaderLength, readFloat32, sliceTensors, splitBody } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { oipEncoder } from '@medsam-ohif/core/src/runtimes/oipClient';
import type { OipInferResponse } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { startService, silentLogger, type RunningService } from '../../server/src';
import { buildServer, REPO_ROOT, sourceImage } from '../../server/src/testing/harness';

const DIR = join(REPO_ROOT, 'models/test-tiny-256');
const U8 = join(DIR, 'manifest_u8.json');
const F32 = join(DIR, 'manifest.json');
const NAME = 'medsam-ohif-test-tiny-256';
const ROWS = 300;
const COLUMNS = 420; // landscape: 183 × 256 after the resize, 73 rows of padding

let reference: Float32Array; // in-process: prepareImage + the float32 encoder (what the CLI does)
let compact: Uint8Array; // prepareImage for the uint8 manifest: the wire image
const services: RunningService[] = [];

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

async function serve(manifest: string): Promise<RunningService> {
  const options = { models: [manifest], host: '127.0.0.1', port: 0, threads: 1, concurrency: 1, queue: 4, maxBodyBytes: 1 << 20, timeoutMs: 60_000, corsOrigins: [] };
  const s = await startService(options, silentLogger, build.worker);
  services.push(s);
  return s;
}

async function inferBinary(url: string, shape: number[], data: Uint8Array): Promise<{ status: number; text: string; embedding?: Float32Array }> {
  const header = { inputs: [{ name: 'image_u8', shape, datatype: 'UINT8', parameters: { binary_data_size: data.byteLength } }], outputs: [{ name: 'image_embeddings', parameters: { binary_data: true } }] };
  const { body, headerLength } = encodeBody(header, [data]);
  const res = await fetch(`${url}/v2/models/${NAME}/infer`, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(headerLength) } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, text: Buffer.from(bytes).toString() };
  const { json, binary } = splitBody(bytes, parseHeaderLength(res.headers.get('inference-header-content-length'), bytes.byteLength));
  const [out] = sliceTensors(binary, (json as OipInferResponse).outputs.map((o) => Number(o.parameters?.binary_data_size)));
  return { status: 200, text: '', embedding: readFloat32(out) };
}

let build: ReturnType<typeof buildServer>;

beforeAll(() => {
  build = buildServer('litemedsam');
  const dir = mkdtempSync(join(tmpdir(), 'medsam-ref256-'));
  try {
    const px = sourceImage(ROWS, COLUMNS);
    writeFileSync(join(dir, 'image.u16'), Buffer.from(px.buffer, px.byteOffset, px.byteLength));
    execFileSync(process.execPath, [build.referenceEmbed, F32, U8, join(dir, 'image.u16'), String(ROWS), String(COLUMNS), dir], { stdio: 'pipe' });
    const e = readFileSync(join(dir, 'embedding.f32'));
    reference = new Float32Array(e.buffer.slice(e.byteOffset, e.byteOffset + e.byteLength));
    compact = new Uint8Array(readFileSync(join(dir, 'compact.u8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
});

describe('the LiteMedSAM-profile test model on the embedding service', () => {
  const [h, w] = longestSideSize(ROWS, COLUMNS, 256);

  it('the wire image is the resized image before padding', () => {
    expect([h, w]).toEqual([183, 256]);
    expect(compact.length).toBe(h * w);
  });

  it('the wrapped encoder declares UINT8 [-1, -1] and returns the in-process embedding', async () => {
    const s = await serve(U8);
    const meta = (await (await fetch(`${s.url}/v2/models/${NAME}`)).json()) as { inputs: unknown[] };
    expect(meta.inputs).toEqual([{ name: 'image_u8', datatype: 'UINT8', shape: [-1, -1] }]);
    const got = await inferBinary(s.url, [h, w], compact);
    expect(got.status).toBe(200);
    expect(got.embedding).toHaveLength(256 * 64 * 64);
    expect(maxAbsDiff(got.embedding!, reference)).toBeLessThanOrEqual(1e-4);
    // The OIP client the viewer uses, from the same prepared image.
    const manifest = parseManifest(JSON.parse(readFileSync(U8, 'utf8')));
    const prepared = {
      rows: ROWS,
      columns: COLUMNS,
      normalization: { rule: 'rgb' as const },
      transform: { profile: 'litemedsam-longest-256' as const, inputSize: 256, scaledRows: h, scaledColumns: w, sourceRows: ROWS, sourceColumns: COLUMNS },
      encoderInput: { type: 'uint8' as const, dims: [h, w], data: compact },
      timings: {},
    };
    const viaClient = await oipEncoder({ url: s.url, output: 'FP32' }, manifest).encode(prepared);
    expect(maxAbsDiff(viaClient.data as Float32Array, reference)).toBeLessThanOrEqual(1e-4);
  });

  it('refuses sizes that are not a longest-side-256 resize, in plain words', async () => {
    const s = services[0] ?? (await serve(U8));
    const padded = new Uint8Array(256 * 256);
    padded.set(compact);
    const grid = await inferBinary(s.url, [255, 255], new Uint8Array(255 * 255));
    expect([grid.status, grid.text]).toEqual([400, expect.stringMatching(/resized image before padding \(longest side 256/)]);
    const over = await inferBinary(s.url, [257, 200], new Uint8Array(257 * 200));
    expect(over.status).toBe(400);
    // A full 256 × 256 grid is a legal size (a square image): the wrapper cannot tell its padding from black
    // pixels, so it scales over all of it, which is not the embedding of the 183 × 256 image.
    const wrong = await inferBinary(s.url, [256, 256], padded);
    expect(wrong.status).toBe(200);
    expect(maxAbsDiff(wrong.embedding!, reference)).toBeGreaterThan(1e-3);
  });

  it('the float32 manifest served directly gives the same embedding (the server pads after min-max)', async () => {
    const s = await serve(F32);
    const got = await inferBinary(s.url, [h, w], compact);
    expect(got.status).toBe(200);
    expect(maxAbsDiff(got.embedding!, reference)).toBeLessThanOrEqual(1e-4);
  });
});

describe('one service, both test models: each profile under its own model name', () => {
  const TINY_U8 = join(REPO_ROOT, 'models/test-tiny/manifest_u8.json');
  const TINY_F32 = join(REPO_ROOT, 'models/test-tiny/manifest.json');
  const TINY_NAME = 'medsam-ohif-test-tiny';
  const [h, w] = longestSideSize(ROWS, COLUMNS, 256);
  let reference1024: Float32Array;
  let compact1024: Uint8Array;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'medsam-ref1024-'));
    try {
      const px = sourceImage(ROWS, COLUMNS);
      writeFileSync(join(dir, 'image.u16'), Buffer.from(px.buffer, px.byteOffset, px.byteLength));
      execFileSync(process.execPath, [build.referenceEmbed, TINY_F32, TINY_U8, join(dir, 'image.u16'), String(ROWS), String(COLUMNS), dir], { stdio: 'pipe' });
      const e = readFileSync(join(dir, 'embedding.f32'));
      reference1024 = new Float32Array(e.buffer.slice(e.byteOffset, e.byteOffset + e.byteLength));
      compact1024 = new Uint8Array(readFileSync(join(dir, 'compact.u8')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the viewer's client reaches each model by its manifest's name and gets that model's in-process embedding", async () => {
    const options = { models: [TINY_U8, U8], host: '127.0.0.1', port: 0, threads: 1, concurrency: 1, queue: 4, maxBodyBytes: 4 << 20, timeoutMs: 60_000, corsOrigins: [] };
    const s = await startService(options, silentLogger, build.worker);
    services.push(s);
    const shapes = await Promise.all(
      [TINY_NAME, NAME].map(async (name) => ((await (await fetch(`${s.url}/v2/models/${name}`)).json()) as { inputs: { shape: number[] }[] }).inputs[0].shape),
    );
    expect(shapes).toEqual([[1024, 1024], [-1, -1]]);
    expect(reference1024).toHaveLength(256 * 64 * 64);
    // Different embeddings, so a request answered by the wrong model would show.
    expect(maxAbsDiff(reference1024, reference)).toBeGreaterThan(1e-2);

    const prepared = (profile: 'medsam-stretch-1024' | 'litemedsam-longest-256', dims: number[], data: Uint8Array) => ({
      rows: ROWS,
      columns: COLUMNS,
      normalization: { rule: 'rgb' as const },
      transform:
        profile === 'medsam-stretch-1024'
          ? { profile, inputSize: 1024, scaledRows: 1024, scaledColumns: 1024, sourceRows: ROWS, sourceColumns: COLUMNS }
          : { profile, inputSize: 256, scaledRows: h, scaledColumns: w, sourceRows: ROWS, sourceColumns: COLUMNS },
      encoderInput: { type: 'uint8' as const, dims, data },
      timings: {},
    });
    // No model option: the client asks for the manifest's name, as the viewer does for an unnamed model.
    const client1024 = oipEncoder({ url: s.url, output: 'FP32' }, parseManifest(JSON.parse(readFileSync(TINY_U8, 'utf8'))));
    const client256 = oipEncoder({ url: s.url, output: 'FP32' }, parseManifest(JSON.parse(readFileSync(U8, 'utf8'))));
    await client1024.checkReady();
    await client256.checkReady();
    // Alternating requests: one worker holds both sessions.
    const got = [];
    for (let i = 0; i < 2; i++) {
      got.push(await client256.encode(prepared('litemedsam-longest-256', [h, w], compact)));
      got.push(await client1024.encode(prepared('medsam-stretch-1024', [1024, 1024], compact1024)));
    }
    for (const [i, e] of got.entries()) expect(maxAbsDiff(e.data as Float32Array, i % 2 === 0 ? reference : reference1024)).toBeLessThanOrEqual(1e-4);
    // The 256 model's wire image sent to the 1024 model is refused by shape, not encoded.
    const wrong = await fetch(`${s.url}/v2/models/${TINY_NAME}/infer`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'image_u8', shape: [h, w], datatype: 'UINT8', data: Array.from(compact) }] }),
    });
    expect(wrong.status).toBe(400);
  });
});
