// The split decoder (manifest `decoderSplit`: image part once per embedding, prompt part per box) gives the
// unsplit decoder's logits within 1e-5 and the same masks, on the committed test model with real
// onnxruntime-node and onnxruntime-web (WASM), on real embeddings of phantom-like slices
// (test/support/splitDecoderCheck.ts, run in a plain Node process). Bad split files are refused plainly.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { loadSplitDecoder } from '../../core/src/pipeline/splitDecoder';
import type { InferenceBackend } from '../../core/src/pipeline/backend';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';

const ROOT = join(__dirname, '../..');
const MODEL_DIR = join(ROOT, 'models/test-tiny');
const MANIFEST = join(MODEL_DIR, 'manifest.json');
const manifestJson = JSON.parse(readFileSync(MANIFEST, 'utf8'));
const manifest = parseManifest(manifestJson);

let dir = '';
let program = '';
beforeAll(async () => {
  // Inside the repository, so that onnxruntime-web's dynamic import finds node_modules.
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'node_modules/.cache/split-check-'));
  program = join(dir, 'splitDecoderCheck.cjs');
  await build({ entryPoints: [join(ROOT, 'test/support/splitDecoderCheck.ts')], outfile: program, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node', 'onnxruntime-web'], nodePaths: [join(ROOT, 'node_modules')], logLevel: 'warning' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Never asked to open a session: the hash check comes first. */
const noBackend: InferenceBackend = {
  name: 'none',
  createSession: () => Promise.reject(new Error('no session expected')),
};

describe('split decoder (issue 13)', () => {
  it('the test model manifest declares it', () => {
    expect(manifest.decoderSplit?.image.outputs).toEqual(['reduced', 'fine']);
    expect(manifest.decoderSplit?.image.file).toBe('decoder_image.onnx');
    expect(manifest.decoderSplit?.prompt.file).toBe('decoder_prompt.onnx');
    expect(parseManifest(JSON.parse(readFileSync(join(MODEL_DIR, 'manifest_u8.json'), 'utf8'))).decoderSplit).toEqual(manifest.decoderSplit);
  });

  for (const backend of ['node', 'wasm']) {
    it(`gives the unsplit decoder's logits within 1e-5 and the same masks (${backend})`, () => {
      const out = execFileSync(process.execPath, [program, MANIFEST, backend], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, timeout: 120_000 });
      const r = JSON.parse(out.trim().split('\n').pop()!);
      expect(r.largest).toBeGreaterThan(1); // real logits, not an empty output
      expect(r.maskPixels).toBeGreaterThan(1000); // the boxes segment something
      expect(r.worst).toBeLessThanOrEqual(1e-5);
      expect(r.masksEqual).toBe(r.masks);
      expect(r.badOutput).toMatch(/split decoder: the image part has no output "coarse"/);
    });
  }

  it('refuses a split part whose SHA-256 differs, naming the file', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'split-bad-'));
    try {
      for (const f of ['decoder_image.onnx', 'decoder_prompt.onnx']) copyFileSync(join(MODEL_DIR, f), join(copy, f));
      const bytes = readFileSync(join(copy, 'decoder_prompt.onnx'));
      bytes[bytes.length - 1] ^= 1;
      writeFileSync(join(copy, 'decoder_prompt.onnx'), bytes);
      await expect(loadSplitDecoder(manifest, nodeModelSource(join(copy, 'manifest.json')), { ...noBackend, createSession: () => Promise.resolve({ inputs: [], outputs: [], run: () => Promise.reject(new Error('x')), release: () => Promise.resolve() }) })).rejects.toThrow(
        /decoder prompt part file "decoder_prompt.onnx" has SHA-256 [0-9a-f]{64}, but model medsam-ohif-test-tiny expects/,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('parses decoderSplit and refuses a malformed one by field', () => {
    expect(() => parseManifest({ ...manifestJson, decoderSplit: { ...manifestJson.decoderSplit, image: { ...manifestJson.decoderSplit.image, outputs: [] } } })).toThrow(
      /decoderSplit.image.outputs: must list the image part's output names/,
    );
    expect(() => parseManifest({ ...manifestJson, decoderSplit: { ...manifestJson.decoderSplit, prompt: { file: 'p.onnx', sha256: 'x' } } })).toThrow(/decoderSplit.prompt.sha256/);
    const { decoderSplit, ...unsplit } = manifestJson;
    void decoderSplit;
    expect(parseManifest(unsplit).decoderSplit).toBeUndefined();
  });
});
