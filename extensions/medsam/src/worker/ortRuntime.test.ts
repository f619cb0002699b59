import { defaultThreads, ortModuleFile, usableWebGpuAdapter } from './ortRuntime';

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

describe('default WASM threads', () => {
  it('half the cores, rounded up, at least 2 where there are 2, at most 4; 1 without cross-origin isolation', () => {
    expect(defaultThreads(true, 1)).toBe(1);
    expect(defaultThreads(true, 2)).toBe(2);
    expect(defaultThreads(true, 3)).toBe(2);
    expect(defaultThreads(true, 4)).toBe(2);
    expect(defaultThreads(true, 6)).toBe(3);
    expect(defaultThreads(true, 16)).toBe(4);
    expect(defaultThreads(true, undefined)).toBe(1);
    expect(defaultThreads(false, 16)).toBe(1);
  });
});
