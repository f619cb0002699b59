// The peer: @cornerstonejs/ai's ONNXSegmentationController (4.19.0, with its own onnxruntime-web 1.17.1),
// driven through its public methods loadModels() and decode() with our decoder, embedding and boxes.
// What decode() needs from a cornerstone viewport (the 1024×1024 canvas image, the canvas → image mapping,
// the preview labelmap) is supplied here; everything the controller itself does runs unchanged.
import { ONNXSegmentationController } from '@cornerstonejs/ai';
import ort from '../../../node_modules/@cornerstonejs/ai/node_modules/onnxruntime-web/dist/esm/ort.webgpu.min.js';
import { warmupUntil } from '../../lib/warmup.mjs';

const CANVAS = 1024; // the controller renders every image into a 1024×1024 canvas (maxWidth/maxHeight)

/** The preview labelmap as a plain Uint8Array of the image size (what our own loop writes into). */
function labelmapTool(labelmap, size) {
  const at = ([i, j]) => j * size + i;
  const preview = { dimensions: [size, size, 1], setAtIJKPoint: (p, v) => (labelmap[at(p)] = v ?? 0) };
  const source = { getAtIJKPoint: (p) => labelmap[at(p)] };
  return {
    _previewData: {},
    addPreview: () => ({ previewSegmentIndex: 255, segmentIndex: 1, segmentationId: 'bench', memo: { voxelManager: preview }, segmentationVoxelManager: source }),
    doneEditMemo: () => undefined,
  };
}

window.runPeer = async ({ decoderUrl, embeddingUrl, size, boxes: list, count, warmup, warmupMs = 0 }) => {
  const controller = new ONNXSegmentationController({
    listeners: [() => undefined],
    models: { bench: [{ name: 'bench-decoder', url: decoderUrl, size: 1, key: 'decoder' }] },
    modelName: 'bench',
    islandFillOptions: {},
  });
  // Its getConfig() sets wasmPaths to the relative "ort/" and, for provider=wasm, proxy = true: the proxy
  // worker is a blob: URL, where "ort/..." cannot be resolved ("no available backend found"). The one
  // change made to its configuration: the same folder as an absolute URL.
  const configuredWasmPaths = ort.env.wasm.wasmPaths;
  ort.env.wasm.wasmPaths = new URL(configuredWasmPaths, location.href).href;
  const session = {};
  let t = performance.now();
  await controller.loadModels(ONNXSegmentationController.MODELS.bench, session);
  const loadMs = performance.now() - t;
  if (!session.decoder) throw new Error('the controller did not create a decoder session');

  const embedding = new Float32Array(await (await fetch(embeddingUrl)).arrayBuffer());
  const labelmap = new Uint8Array(size * size);
  const decoder = session.decoder;
  const runs = [];
  Object.assign(session, {
    imageId: 'bench-image',
    imageEmbeddings: { image_embeddings: new ort.Tensor('float32', embedding, [1, 256, 64, 64]) },
    canvasPosition: { origin: [0, 0, 0], rightVector: [1, 0, 0], downVector: [0, 1, 0] },
    // Timing wrapper only: the controller's own feeds reach its own session unchanged.
    decoder: { run: async (feeds) => { const t0 = performance.now(); const r = await decoder.run(feeds); runs.push(performance.now() - t0); return r; } },
  });
  controller.desiredImage.imageId = 'bench-image';
  controller.currentImage = session;
  controller.imageImageData = new ImageData(CANVAS, CANVAS);
  controller.viewport = { element: document.body, getDefaultImageData: () => ({ worldToIndex: (p) => [(p[0] * size) / CANVAS, (p[1] * size) / CANVAS, 0] }) };
  controller.tool = labelmapTool(labelmap, size);

  const k = CANVAS / size;
  const total = [];
  const warm = warmupUntil(warmup, warmupMs);
  let measuredFrom = 0;
  for (const b of list) {
    if (total.length === count) break;
    t = performance.now();
    await controller.decode([b.x0 * k, b.y0 * k, b.x1 * k, b.y1 * k], [2, 3], session);
    if (warm.done()) total.push(performance.now() - t);
    else measuredFrom = runs.length;
  }
  return {
    info: { configuredWasmPaths, wasmPaths: ort.env.wasm.wasmPaths, loadMs, ortVersion: ort.env.versions?.web ?? '1.17.1', wasmThreads: ort.env.wasm.numThreads, proxy: ort.env.wasm.proxy, crossOriginIsolated: self.crossOriginIsolated, provider: controller.config.provider },
    run: runs.slice(measuredFrom),
    total,
    maskPixels: labelmap.reduce((n, v) => n + (v ? 1 : 0), 0),
  };
};
window.peerReady = true;
