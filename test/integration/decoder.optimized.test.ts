// The decoder files saved already optimised at export time (models/export/optimize_decoder.mjs, manifest
// `optimized`): onnxruntime-web's WASM backend opens them with graph optimisation off, and their logits equal
// the original files' (optimised at load) within 1e-5 × max(1, largest logit), unsplit and split, with real
// onnxruntime-web on real embeddings (test/support/preOptimizedCheck.ts, in a plain Node process). Other
// runtimes keep the originals.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceBackend } from '../../core/src/pipeline/backend';
import { parseManifest } from '../../core/src/pipeline/manifest';
import type { ModelFile } from '../../core/src/pipeline/manifestTypes';
import { decoderFilesRun, fileToOpen } from '../../core/src/pipeline/modelFile';
import { checkProgram } from '../support/checkProgram';

const ROOT = join(__dirname, '../..');
const MODEL_DIR = join(ROOT, 'models/test-tiny');
const MANIFEST = join(MODEL_DIR, 'manifest.json');
const manifestJson = JSON.parse(readFileSync(MANIFEST, 'utf8'));
const manifest = parseManifest(manifestJson);

const check = checkProgram('preOptimizedCheck');

const backend = (opensPreOptimized: boolean | undefined): InferenceBackend => ({ name: 'x', createSession: () => Promise.reject(new Error('unused')), opensPreOptimized });

describe('decoder files optimised ahead of time (issue 13)', () => {
  it('the test model lists them with their hashes, level and onnxruntime version', () => {
    const entries = [manifest.decoder, manifest.decoderSplit!.image, manifest.decoderSplit!.prompt];
    for (const e of entries) {
      expect(e.optimized).toMatchObject({ file: e.file.replace(/\.onnx$/, '.opt.onnx'), level: 'extended', onnxruntime: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
      expect(e.optimized!.sha256).toBe(createHash('sha256').update(readFileSync(join(MODEL_DIR, e.optimized!.file))).digest('hex'));
    }
    // The service's manifest shares the decoder files and says the same.
    expect(parseManifest(JSON.parse(readFileSync(join(MODEL_DIR, 'manifest_u8.json'), 'utf8'))).decoderSplit).toEqual(manifest.decoderSplit);
  });

  it('only a backend that takes pre-optimised files gets them', () => {
    expect(fileToOpen(manifest.decoder, backend(true))).toEqual({ file: manifest.decoder.optimized, preOptimized: true });
    expect(fileToOpen(manifest.decoder, backend(false)).file.file).toBe('decoder.onnx');
    expect(fileToOpen(manifest.decoder, backend(undefined)).preOptimized).toBe(false);
    expect(fileToOpen(manifest.encoder, backend(true))).toEqual({ file: manifest.encoder, preOptimized: false }); // none listed
  });

  it('the files that ran name the pre-optimised file and the original it was saved from (for SEG provenance)', () => {
    const { decoder } = manifest;
    const { image, prompt } = manifest.decoderSplit!;
    const from = (e: ModelFile) => ({ file: e.file, sha256: e.sha256, level: 'extended', onnxruntime: e.optimized!.onnxruntime });
    expect(decoderFilesRun(manifest, backend(true), false)).toEqual([{ entry: 'decoder.optimized', file: 'decoder.opt.onnx', sha256: decoder.optimized!.sha256, preOptimizedFrom: from(decoder) }]);
    expect(decoderFilesRun(manifest, backend(false), false)).toEqual([{ entry: 'decoder', file: 'decoder.onnx', sha256: decoder.sha256 }]);
    expect(decoderFilesRun(manifest, backend(true), true)).toEqual([
      { entry: 'decoderSplit.image.optimized', file: 'decoder_image.opt.onnx', sha256: image.optimized!.sha256, preOptimizedFrom: from(image) },
      { entry: 'decoderSplit.prompt.optimized', file: 'decoder_prompt.opt.onnx', sha256: prompt.optimized!.sha256, preOptimizedFrom: from(prompt) },
    ]);
    expect(decoderFilesRun(manifest, backend(false), true).map((f) => f.file)).toEqual(['decoder_image.onnx', 'decoder_prompt.onnx']);
    const unsplit = parseManifest({ ...manifestJson, decoderSplit: undefined });
    expect(decoderFilesRun(unsplit, backend(true), true).map((f) => f.entry)).toEqual(['decoder.optimized']); // no split to run
  });

  it('refuses a malformed `optimized` entry by field', () => {
    const bad = (optimized: unknown) => parseManifest({ ...manifestJson, decoder: { ...manifestJson.decoder, optimized } });
    expect(() => bad({ ...manifestJson.decoder.optimized, level: 'all' })).toThrow(/decoder.optimized.level: must be "basic" or "extended", got "all"/);
    expect(() => bad({ ...manifestJson.decoder.optimized, sha256: 'abc' })).toThrow(/decoder.optimized.sha256/);
    expect(() => bad({ ...manifestJson.decoder.optimized, onnxruntime: undefined })).toThrow(/decoder.optimized.onnxruntime: must be a non-empty string/);
  });

  it('WASM opens them and gives the original files\' logits within 1e-5 (relative), unsplit and split', () => {
    const out = check.run([MANIFEST]);
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.preOptimizedFiles).toEqual(['decoder.opt.onnx', 'decoder_image.opt.onnx', 'decoder_prompt.opt.onnx']);
    expect(r.originalFiles).toEqual(['decoder.onnx', 'decoder_image.onnx', 'decoder_prompt.onnx']);
    expect(r.compared).toBe(18);
    expect(r.largest).toBeGreaterThan(1); // real logits
    // The native optimiser folds constants with native kernels: a last-bit difference (1.5e-5 on logits of 61).
    expect(r.worst).toBeLessThanOrEqual(1e-5 * Math.max(1, r.largest));
  }, 130_000);
});
