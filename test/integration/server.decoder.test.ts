// The decoder as a second model on the embedding service (issue 10, "Speed"): the image goes up once, the
// embedding stays on the server, each box is a small request whose answer is the low-res logits. Real server
// (worker threads with onnxruntime-node), the committed test model (models/test-tiny/manifest_u8.json, NOT
// MedSAM), the project's own protocol clients; the logits are compared with the in-process decoder's on the
// same files and runtime (server/src/testing/referenceDecode.ts, a separate Node process).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBox } from '@medsam-ohif/core/src/pipeline/box';
import { decoderFeeds, selectMaskLogits } from '@medsam-ohif/core/src/pipeline/decoderFeeds';
import { parseManifest } from '@medsam-ohif/core/src/pipeline/manifest';
import { logitsToMask } from '@medsam-ohif/core/src/pipeline/postprocess';
import { prepareImage, type PreparedImage } from '@medsam-ohif/core/src/pipeline/predictor';
import { boxToModelSpace } from '@medsam-ohif/core/src/pipeline/resize';
import { decodeModelBox } from '@medsam-ohif/core/src/pipeline/volume/decodeModelBox';
import { oipEncoder } from '@medsam-ohif/core/src/runtimes/oipClient';
import { oipDecoder } from '@medsam-ohif/core/src/runtimes/oipDecoder';
import { OipError } from '@medsam-ohif/core/src/runtimes/oipErrors';
import { startService, silentLogger, type RunningService } from '../../server/src';
import { buildServer, REPO_ROOT, sourceImage, testImage, type ServerBuild } from '../../server/src/testing/harness';

const MANIFEST = join(REPO_ROOT, 'models/test-tiny/manifest_u8.json');
const manifest = parseManifest(JSON.parse(readFileSync(MANIFEST, 'utf8')));
const MODEL = manifest.name;
const DECODER = `${MODEL}-decoder`;
const ROWS = 300;
const COLUMNS = 420;
const EMBEDDING_BYTES = 256 * 64 * 64 * 4;

let build: ServerBuild;
let service: RunningService;
let dir: string;
let prepared: PreparedImage;
const box = { x0: 205, y0: 75, x1: 295, y1: 165 }; // around the synthetic lesion (sourceImage)
let modelBox: { x0: number; y0: number; x1: number; y1: number };
let reference: { embedding: Float32Array; split: Float32Array; unsplit: Float32Array };

const f32 = (path: string) => {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};
/** A 1024² compact image, as prepareImage gives it, for the images that only fill the cache. */
const compactPrepared = (data: Uint8Array): PreparedImage => ({ ...prepared, encoderInput: { type: 'uint8', dims: [1024, 1024], data } });

beforeAll(async () => {
  build = buildServer('decoder');
  dir = mkdtempSync(join(tmpdir(), 'medsam-decoder-'));
  const pixels = sourceImage(ROWS, COLUMNS);
  prepared = prepareImage({ rows: ROWS, columns: COLUMNS, samplesPerPixel: 1, pixels, rescaleSlope: 1, rescaleIntercept: 0, modality: 'MR' }, manifest);
  modelBox = boxToModelSpace(checkBox(box, ROWS, COLUMNS).box, prepared.transform);
  writeFileSync(join(dir, 'compact.u8'), prepared.encoderInput.data as Uint8Array);
  const b = [modelBox.x0, modelBox.y0, modelBox.x1, modelBox.y1].join(',');
  execFileSync(process.execPath, [build.referenceDecode, MANIFEST, join(dir, 'compact.u8'), String(ROWS), String(COLUMNS), b, dir], { stdio: 'pipe' });
  reference = { embedding: f32(join(dir, 'embedding.f32')), split: f32(join(dir, 'split.f32')), unsplit: f32(join(dir, 'unsplit.f32')) };
  service = await startService(
    // Room for two embeddings, so that a third pushes the first out.
    { models: [MANIFEST], host: '127.0.0.1', port: 0, threads: 1, concurrency: 1, queue: 4, maxBodyBytes: 4 << 20, timeoutMs: 60_000, corsOrigins: [], embeddingCacheBytes: 2 * EMBEDDING_BYTES + 1024 },
    silentLogger,
    build.worker,
  );
});

afterAll(async () => {
  await service?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const encoder = () => oipEncoder({ url: service.url, output: 'FP32' }, manifest);
const decoder = () => oipDecoder({ url: service.url }, manifest);
const feeds = () => decoderFeeds(manifest.decoder, null, modelBox, manifest.lowResSize, { rows: ROWS, columns: COLUMNS });
const logitsName = manifest.decoder.outputs.lowResLogits;

describe('the decoder model on the embedding service', () => {
  it('is listed with its prompt inputs, and the server says it keeps embeddings', async () => {
    const server = await (await fetch(`${service.url}/v2`)).json();
    expect(server.extensions).toEqual(['binary_tensor_data', 'medsam_output_datatype', 'medsam_embedding_cache']);
    expect(await (await fetch(`${service.url}/v2/models/${DECODER}`)).json()).toEqual({
      name: DECODER,
      versions: [manifest.version],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'point_coords', datatype: 'FP32', shape: [1, -1, 2] },
        { name: 'point_labels', datatype: 'FP32', shape: [1, -1] },
        { name: 'orig_im_size', datatype: 'FP32', shape: [2] },
      ],
      outputs: [{ name: 'low_res_masks', datatype: 'FP32', shape: [1, -1, 256, 256] }],
    });
    expect((await fetch(`${service.url}/v2/models/${DECODER}/ready`)).status).toBe(200);
    await expect(decoder().checkAvailable()).resolves.toBeUndefined();
  });

  it("gives the in-process decoder's logits, bit for bit, on the embedding it kept; the mask follows", async () => {
    const enc = encoder();
    // The embedding the service computes is the in-process one (same file, same runtime)...
    expect(maxAbsDiff((await enc.encode(prepared)).data as Float32Array, reference.embedding)).toBe(0);
    // ...and the id of the kept one comes back without the embedding.
    const id = await enc.encodeKept(prepared);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const out = await decoder().session(id).run(feeds());
    const logits = out[logitsName];
    expect(logits.dims).toEqual([1, 1, 256, 256]);
    const data = logits.data as Float32Array;
    expect(Math.max(...data.map(Math.abs))).toBeGreaterThan(1); // real logits, not an empty answer
    expect(maxAbsDiff(data, reference.split)).toBe(0); // the viewer's decoder (split where the manifest has it)
    expect(maxAbsDiff(data, reference.unsplit)).toBeLessThanOrEqual(1e-5); // the reference decoder.onnx
    // The whole box path on the service's decoder gives the mask of the reference logits.
    const mask = await decodeModelBox(decoder().session(id), manifest, null, prepared, modelBox);
    const t = prepared.transform;
    const expected = logitsToMask(selectMaskLogits({ type: 'float32', dims: [1, 1, 256, 256], data: reference.split }, 0, 256), {
      lowResSize: 256,
      region: { rows: Math.round((t.scaledRows * 256) / t.inputSize), columns: Math.round((t.scaledColumns * 256) / t.inputSize) },
      sigmoidFirst: true,
      rows: ROWS,
      columns: COLUMNS,
    });
    expect(mask.data.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    expect(Buffer.from(mask.data).equals(Buffer.from(expected.data))).toBe(true);
  });

  it('answers a box with a few hundred bytes up and the logits down; no embedding crosses', async () => {
    const id = await encoder().encodeKept(prepared);
    const body = JSON.stringify({
      parameters: { embedding_id: id, binary_data_output: true },
      inputs: [
        { name: 'point_coords', shape: [1, 2, 2], datatype: 'FP32', data: [modelBox.x0, modelBox.y0, modelBox.x1, modelBox.y1] },
        { name: 'point_labels', shape: [1, 2], datatype: 'FP32', data: [2, 3] },
        { name: 'orig_im_size', shape: [2], datatype: 'FP32', data: [ROWS, COLUMNS] },
      ],
    });
    expect(body.length).toBeLessThan(600);
    const res = await fetch(`${service.url}/v2/models/${DECODER}/infer`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/decoder;dur=/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBeLessThan(256 * 256 * 4 + 1000);
    expect(bytes.byteLength).toBeGreaterThan(256 * 256 * 4);
  });

  it('refuses a decode on an evicted embedding with a specific error, and the same image encoded again decodes', async () => {
    const enc = encoder();
    const id = await enc.encodeKept(prepared);
    // Two other images fill the cache (room for two): the first embedding leaves.
    await enc.encodeKept(compactPrepared(testImage(7)));
    await enc.encodeKept(compactPrepared(testImage(8)));
    const error = await decoder().session(id).run(feeds()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OipError);
    expect(error).toMatchObject({ failure: 'embedding-gone', message: expect.stringMatching(/no longer holds the embedding.*send the image to model/) });
    const raw = await fetch(`${service.url}/v2/models/${DECODER}/infer`, {
      method: 'POST',
      body: JSON.stringify({ parameters: { embedding_id: id }, inputs: [{ name: 'point_coords', shape: [1, 2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'point_labels', shape: [1, 2], datatype: 'FP32', data: [2, 3] }, { name: 'orig_im_size', shape: [2], datatype: 'FP32', data: [8, 8] }] }),
    });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ error: expect.stringMatching(/not in this service's embedding cache/), error_code: 'embedding_not_cached' });
    // The content key: the same image gives the same id again, and decodes.
    expect(await enc.encodeKept(prepared)).toBe(id);
    expect(maxAbsDiff((await decoder().session(id).run(feeds()))[logitsName].data as Float32Array, reference.split)).toBe(0);
  });

  it.each([
    ['no embedding id', { inputs: [] }, /needs the request parameter "embedding_id"/],
    ['a missing input', { parameters: { embedding_id: 'a'.repeat(64) }, inputs: [{ name: 'point_labels', shape: [1, 2], datatype: 'FP32', data: [2, 3] }] }, /takes input "point_coords" exactly once, got it 0 times/],
    ['an unknown input', { parameters: { embedding_id: 'a'.repeat(64) }, inputs: [{ name: 'image_embeddings', shape: [1, 256, 64, 64], datatype: 'FP32', data: [] }] }, /has no input "image_embeddings"/],
    [
      'point counts that disagree',
      {
        parameters: { embedding_id: 'a'.repeat(64) },
        inputs: [
          { name: 'point_coords', shape: [1, 2, 2], datatype: 'FP32', data: [1, 2, 3, 4] },
          { name: 'point_labels', shape: [1, 3], datatype: 'FP32', data: [2, 3, 1] },
          { name: 'orig_im_size', shape: [2], datatype: 'FP32', data: [8, 8] },
        ],
      },
      /disagree on the number of points/,
    ],
  ])('refuses %s with a 400 that says why', async (_, request, message) => {
    const res = await fetch(`${service.url}/v2/models/${DECODER}/infer`, { method: 'POST', body: JSON.stringify(request) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });
});

describe("the viewer worker's ServiceDecoding on the real service", () => {
  // Imported here, not at the top: the worker module is the viewer's, the rest of this file is the service's.
  const { ServiceDecoding } = jest.requireActual<typeof import('../../extensions/medsam/src/worker/decoders/ServiceDecoding')>('../../extensions/medsam/src/worker/decoders/ServiceDecoding');
  const image = { rows: ROWS, columns: COLUMNS, samplesPerPixel: 1 as const, pixels: sourceImage(ROWS, COLUMNS), rescaleSlope: 1, rescaleIntercept: 0, modality: 'MR' };
  const noReport = () => undefined;

  it('"auto" decodes on the service; an evicted embedding is encoded again from the kept compact image', async () => {
    const d = new ServiceDecoding(manifest, 'auto', encoder(), decoder());
    await d.start();
    expect(d.active).toBe(true);
    const kept = await d.keep('slice-1', image, { kind: 'auto' }, undefined, noReport);
    const first = await d.withDecoder('slice-1', kept, undefined, (session, k) => decodeModelBox(session, manifest, null, k.prepared, modelBox));
    await encoder().encodeKept(compactPrepared(testImage(9)));
    await encoder().encodeKept(compactPrepared(testImage(10))); // the slice's embedding leaves the service
    let runs = 0;
    const again = await d.withDecoder('slice-1', kept, undefined, (session, k) => (runs++, decodeModelBox(session, manifest, null, k.prepared, modelBox)));
    expect(runs).toBe(2); // refused once (embedding-gone), then on the re-encoded embedding
    expect(Buffer.from(again.data).equals(Buffer.from(first.data))).toBe(true);
    expect(d.get('slice-1')?.embeddingId).toBe(kept.embeddingId); // the same content, the same id
  });

  it('a service without decoders: "auto" stays in the browser, "service" fails the load saying why; "browser" never asks', async () => {
    const bare = await startService(
      { models: [MANIFEST], host: '127.0.0.1', port: 0, threads: 1, concurrency: 1, queue: 2, maxBodyBytes: 4 << 20, timeoutMs: 60_000, corsOrigins: [], embeddingCacheBytes: 0 },
      silentLogger,
      build.worker,
    );
    try {
      const at = (backend: 'auto' | 'service' | 'browser') =>
        new ServiceDecoding(manifest, backend, oipEncoder({ url: bare.url }, manifest), oipDecoder({ url: bare.url }, manifest));
      const auto = at('auto');
      await auto.start();
      expect(auto.active).toBe(false);
      await expect(at('service').start()).rejects.toThrow(/the "service" decoder backend cannot decode on the embedding service: .*serves no decoder model "medsam-ohif-test-tiny-decoder"/);
      const browser = at('browser');
      await browser.start();
      expect(browser.active).toBe(false);
      expect((await fetch(`${bare.url}/v2`).then((r) => r.json())).extensions).not.toContain('medsam_embedding_cache');
    } finally {
      await bare.stop();
    }
  });
});
