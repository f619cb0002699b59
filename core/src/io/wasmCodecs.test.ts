import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codec, findCodecWasm } from './wasmCodecs';

describe('WASM codec loading', () => {
  const saved = process.env.MEDSAM_WASM_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.MEDSAM_WASM_DIR;
    else process.env.MEDSAM_WASM_DIR = saved;
  });

  it('finds each decoder in node_modules', () => {
    delete process.env.MEDSAM_WASM_DIR;
    expect(findCodecWasm('openjpeg')).toMatch(/@cornerstonejs\/codec-openjpeg\/dist\/openjpegwasm_decode\.wasm$/);
    expect(findCodecWasm('charls')).toMatch(/@cornerstonejs\/codec-charls\/dist\/charlswasm_decode\.wasm$/);
    expect(findCodecWasm('libjpeg-turbo')).toMatch(/libjpegturbowasm_decode\.wasm$/);
  });

  it('prefers $MEDSAM_WASM_DIR when the file is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medsam-wasm-'));
    try {
      copyFileSync(findCodecWasm('charls'), join(dir, 'charlswasm_decode.wasm'));
      process.env.MEDSAM_WASM_DIR = dir;
      expect(findCodecWasm('charls')).toBe(join(dir, 'charlswasm_decode.wasm'));
      expect(findCodecWasm('openjpeg')).toMatch(/node_modules/); // not in the folder: next place
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('instantiates synchronously and only once', () => {
    const first = codec('openjpeg');
    const decoder = first.create();
    expect(typeof decoder.decode).toBe('function');
    decoder.delete();
    expect(codec('openjpeg')).toBe(first);
  });
});
