// The decoder-variant benchmark's engine: onnxruntime-web (loaded from /ort/ at run time, as the extension's
// worker does), the decoder variants of lib/decoderVariant.mjs, a warm embedding and a prepared phantom slice.
// It runs in the benchmark's own worker (variantsWorker.mjs) or on the page itself (to measure onnxruntime's
// `proxy` option, which only acts where there is a document).
import { decoderImageFeatures, parseManifest, prepareImage, promptDecoderSession, releaseSplitDecoder, segmentBox } from '../../core/src/index.ts';
import { adaptOrtSession } from '../../core/src/runtimes/ortAdapter.ts';
import { openDecoderVariant } from '../lib/decoderVariant.mjs';
import { phantomSlice } from '../lib/phantom.mjs';

const core = { adaptOrtSession, decoderImageFeatures, promptDecoderSession, releaseSplitDecoder };

/**
 * With `proxy`, onnxruntime transfers the input tensors' buffers to its worker (they are detached after the
 * run), so every run needs its own copy of the embedding and features: part of what the proxy costs.
 */
function copyingInputs(ort) {
  return {
    ...ort,
    InferenceSession: {
      async create(bytes, options) {
        const s = await ort.InferenceSession.create(bytes, options);
        const run = s.run.bind(s);
        s.run = (feeds, ...rest) => run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data.slice(), t.dims)])), ...rest);
        return s;
      },
    },
  };
}

export function createEngine() {
  let state = {};
  return {
    async init({ manifestUrl, threads, proxy = false, size, embeddingUrl }) {
      const ort = await import(new URL('/ort/ort.wasm.min.mjs', location.href).href);
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = proxy;
      ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
      const manifest = parseManifest(await (await fetch(manifestUrl)).json());
      const res = await fetch(embeddingUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${embeddingUrl}`);
      const embedding = { type: 'float32', dims: [...manifest.embeddingDims], data: new Float32Array(await res.arrayBuffer()) };
      const read = async (file) => {
        const r = await fetch(new URL(file, manifestUrl));
        if (!r.ok) throw new Error(`HTTP ${r.status} for ${file}`);
        return new Uint8Array(await r.arrayBuffer());
      };
      state = { ort, proxy, manifest, embedding, read, prepared: prepareImage(phantomSlice(size), manifest), variants: {} };
      return { crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, wasmThreads: ort.env.wasm.numThreads, proxy: ort.env.wasm.proxy, document: typeof document !== 'undefined', userAgent: navigator.userAgent };
    },
    async open({ spec }) {
      const { ort, manifest, read, embedding } = state;
      const v = await openDecoderVariant({ ort: state.proxy ? copyingInputs(ort) : ort, core, manifest, read, provider: 'wasm', spec, embedding });
      await state.variants[spec.label]?.release();
      state.variants[spec.label] = v;
      return { createMs: v.createMs, imageMs: v.imageMs };
    },
    async box({ label, box }) {
      const r = await segmentBox(state.variants[label].session, state.manifest, state.embedding, state.prepared, box);
      return { decoder: r.timings.decoder, mask: r.mask.data };
    },
    async close() {
      for (const v of Object.values(state.variants)) await v.release();
      state.variants = {};
    },
  };
}
