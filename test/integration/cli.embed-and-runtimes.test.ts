import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dice, PYDICOM_FILES, readMaskPng, runCli, tempDir, TEST_MODEL } from '../support/cli';

const CT = join(PYDICOM_FILES, '693_J2KI.dcm');

/** Reads a little-endian float32 .npy file: header dict + data. */
function readNpy(path: string): { shape: number[]; data: Float32Array } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  expect(header).toContain("'descr': '<f4'");
  expect((10 + headerLength) % 64).toBe(0);
  const shape = header.match(/'shape': \(([^)]*)\)/)![1].split(',').filter((s) => s.trim()).map(Number);
  const body = bytes.subarray(10 + headerLength);
  return { shape, data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)) };
}

describe('medsam embed', () => {
  it('writes the [1, 256, 64, 64] embedding as a NumPy file, the same on every run', () => {
    const dir = tempDir();
    const runs = ['a.npy', 'b.npy'].map((name) => {
      const r = runCli(['embed', '--model', TEST_MODEL, '--image', CT, '--out', join(dir, name), '--json']);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).embedding.dims).toEqual([1, 256, 64, 64]);
      return readNpy(join(dir, name));
    });
    expect(runs[0].shape).toEqual([1, 256, 64, 64]);
    expect(runs[0].data.length).toBe(256 * 64 * 64);
    expect(runs[0].data.some((v) => v !== 0)).toBe(true);
    expect(Buffer.from(runs[1].data.buffer).equals(Buffer.from(runs[0].data.buffer))).toBe(true);
  });
});

describe('runtimes: onnxruntime-node vs onnxruntime-web (WASM, what browsers run)', () => {
  const manifest = JSON.parse(readFileSync(TEST_MODEL, 'utf8'));
  const decoder = manifest.decoder;
  // The identity names the manifest's own files; decoderFiles says which file really ran (WASM: the pre-optimised one).
  const filesRun = {
    node: [{ entry: 'decoder', file: 'decoder.onnx', sha256: decoder.sha256 }],
    wasm: [
      {
        entry: 'decoder.optimized',
        file: 'decoder.opt.onnx',
        sha256: decoder.optimized.sha256,
        preOptimizedFrom: { file: 'decoder.onnx', sha256: decoder.sha256, level: decoder.optimized.level, onnxruntime: decoder.optimized.onnxruntime },
      },
    ],
  };

  it('give the same mask up to pixels at the threshold (measured, not hidden), each naming the decoder file it ran', () => {
    const dir = tempDir();
    const masks = (['node', 'wasm'] as const).map((backend) => {
      const out = join(dir, `${backend}.png`);
      const r = runCli(['segment', '--model', TEST_MODEL, '--image', CT, '--box', '150,180,330,360', '--out', out, '--backend', backend, '--threads', '1', '--json']);
      expect(r.stderr).toBe('');
      const summary = JSON.parse(r.stdout);
      expect(summary.backend).toMatch(backend === 'node' ? /onnxruntime-node/ : /onnxruntime-web\/wasm/);
      expect(summary.model.identity).toBe(`${manifest.name}@${manifest.version}+${manifest.encoder.sha256.slice(0, 12)}.${decoder.sha256.slice(0, 12)}`);
      expect(summary.model.decoderFiles).toEqual(filesRun[backend]);
      return readMaskPng(out);
    });
    let flipped = 0;
    for (let i = 0; i < masks[0].data.length; i++) if (masks[0].data[i] !== masks[1].data[i]) flipped++;
    console.log(`node vs wasm: ${flipped} of ${masks[0].data.length} pixels differ, Dice ${dice(masks[0].data, masks[1].data).toFixed(5)}`);
    expect(dice(masks[0].data, masks[1].data)).toBeGreaterThan(0.99);
    expect(flipped).toBeLessThan(masks[0].data.length * 0.001);
  });
});
