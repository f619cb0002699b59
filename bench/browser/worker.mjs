// The benchmark's inference worker, as the extension runs inference in a worker: onnxruntime-web (loaded
// from /ort/ at run time, like the extension's worker), the project's core bundled in. It holds the
// decoder, the warm embedding and the prepared image; the page sends boxes and gets masks back.
import { createOrtWebBackend } from '../../core/src/runtimes/ortWeb.ts';
import { loadModelPart, parseManifest, prepareImage, segmentBox, sessionEncoder } from '../../core/src/index.ts';
import { phantomSlice } from '../lib/phantom.mjs';

let state = {};

/** Model files named relative to the manifest's URL. */
const fetchSource = (manifestUrl) => ({
  async read(file) {
    const res = await fetch(new URL(file, manifestUrl));
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${file}`);
    return new Uint8Array(await res.arrayBuffer());
  },
});

async function adapterInfo() {
  try {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) return null;
    const i = adapter.info ?? {};
    return { vendor: i.vendor, architecture: i.architecture, description: i.description, isFallbackAdapter: i.isFallbackAdapter ?? adapter.isFallbackAdapter };
  } catch (e) {
    return { error: String(e) };
  }
}

const handlers = {
  async init({ manifestUrl, provider, threads }) {
    const ortFile = provider === 'webgpu' ? 'ort.webgpu.min.mjs' : 'ort.wasm.min.mjs';
    const ort = await import(new URL(`/ort/${ortFile}`, location.href).href);
    const backend = createOrtWebBackend(ort, { executionProviders: [provider], threads, wasmPaths: new URL('/ort/', location.href).href });
    const manifest = parseManifest(await (await fetch(manifestUrl)).json());
    const t = performance.now();
    const decoder = await loadModelPart(manifest, 'decoder', fetchSource(manifestUrl), backend);
    state = { manifest, decoder };
    return {
      loadMs: performance.now() - t,
      backend: backend.name,
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      wasmThreads: ort.env.wasm.numThreads,
      adapter: provider === 'webgpu' ? await adapterInfo() : undefined,
      userAgent: navigator.userAgent,
    };
  },
  async prepare({ size, reps, embeddingUrl }) {
    const image = phantomSlice(size);
    const normalise = [];
    const resize = [];
    for (let i = 0; i < reps; i++) {
      state.prepared = prepareImage(image, state.manifest);
      normalise.push(state.prepared.timings.normalize);
      resize.push(state.prepared.timings.resize);
    }
    const res = await fetch(embeddingUrl);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${embeddingUrl}`);
    state.embedding = { type: 'float32', dims: [...state.manifest.embeddingDims], data: new Float32Array(await res.arrayBuffer()) };
    return { normalise, resize };
  },
  /** The encoder alone (suites/encoderPairChromium.mjs): one worker per model, as the extension has one. */
  async encoderInit({ manifestUrl, threads }) {
    const ort = await import(new URL('/ort/ort.wasm.min.mjs', location.href).href);
    const backend = createOrtWebBackend(ort, { executionProviders: ['wasm'], threads, wasmPaths: new URL('/ort/', location.href).href });
    const manifest = parseManifest(await (await fetch(manifestUrl)).json());
    const t = performance.now();
    const session = await loadModelPart(manifest, 'encoder', fetchSource(manifestUrl), backend);
    state = { manifest, encoder: sessionEncoder(session, manifest) };
    return { loadMs: performance.now() - t, crossOriginIsolated: self.crossOriginIsolated, wasmThreads: ort.env.wasm.numThreads, userAgent: navigator.userAgent };
  },
  /** One new slice: prepare (normalise + resize) and encode. */
  async encodeSlice({ size }) {
    const image = phantomSlice(size);
    const t0 = performance.now();
    const prepared = prepareImage(image, state.manifest);
    const t1 = performance.now();
    await state.encoder.encode(prepared);
    const t2 = performance.now();
    return { prepare: t1 - t0, encode: t2 - t1, total: t2 - t0 };
  },
  async box({ box }) {
    const t = performance.now();
    const r = await segmentBox(state.decoder, state.manifest, state.embedding, state.prepared, box);
    const mask = r.mask.data;
    return { value: { mask, timings: { ...r.timings, worker: performance.now() - t } }, transfer: [mask.buffer] };
  },
};

self.onmessage = async ({ data }) => {
  try {
    const out = await handlers[data.type](data);
    const { value, transfer } = out && 'transfer' in out ? out : { value: out, transfer: [] };
    self.postMessage({ id: data.id, value }, transfer);
  } catch (e) {
    self.postMessage({ id: data.id, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
  }
};
