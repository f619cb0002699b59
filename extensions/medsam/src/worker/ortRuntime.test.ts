import { ortModuleFile, usableWebGpuAdapter } from './ortRuntime';

describe('WebGPU adapter choice', () => {
  it('uses a hardware adapter', () => {
    expect(usableWebGpuAdapter({ info: { isFallbackAdapter: false } }, false)).toBe(true);
    expect(usableWebGpuAdapter({}, false)).toBe(true);
  });

  it('refuses a software (fallback) adapter unless the deployment allows it', () => {
    expect(usableWebGpuAdapter({ info: { isFallbackAdapter: true } }, false)).toBe(false);
    expect(usableWebGpuAdapter({ isFallbackAdapter: true }, false)).toBe(false);
    expect(usableWebGpuAdapter({ info: { isFallbackAdapter: true } }, true)).toBe(true);
  });

  it('has nothing to use without an adapter', () => {
    expect(usableWebGpuAdapter(null, true)).toBe(false);
  });

  it('loads the WebGPU build of onnxruntime-web only when WebGPU leads', () => {
    expect(ortModuleFile(['webgpu', 'wasm'])).toBe('ort.webgpu.min.mjs');
    expect(ortModuleFile(['wasm'])).toBe('ort.wasm.min.mjs');
  });
});
