// The split decoder (manifest `decoderSplit`: image part once per embedding, prompt part per box) gives the
// unsplit decoder's logits within 1e-5 and the same masks, on the committed test model with real
// onnxruntime-node and onnxruntime-web (WASM), on real embeddings of phantom-like slices
// (test/support/splitDecoderCheck.ts, run in a plain Node process). Bad split files are refused plainly.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest } from '../../core/src/pipeline/manifest';
import { loadSplitDecoder } from '../../core/src/pipeline/splitDecoder';
import type { InferenceBackend } from '../../core/src/pipeline/backend';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';
import { checkProgram } from '../support/checkProgram';

const ROOT = join(__dirname, '../..');
const MODEL_DIR = join(ROOT, 'models/test-tiny');
const MANIFEST = join(MODEL_DIR, 'manifest.json');
const manifestJson = JSON.parse(readFileSync(MANIFEST, 'utf8'));
const manifest = parseManifest(manifestJson);

const check = checkProgram('splitDecoderCheck');

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
      const out = check.run([MANIFEST, backend]);
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
