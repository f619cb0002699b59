// Decoder on the embedding service vs decoder in the browser (issue 10): the bytes a slice and a box put on
// the wire, and the box → mask time, with the project's server (its "<name>-decoder" model on embeddings it
// keeps) and the project's clients, for the test model on this CPU.
//  - service: the slice goes up once with embedding_output false (only the embedding's id comes back); each
//    box is the prompt up and the low-res logits down (decodeModelBox on oipDecoder's session).
//  - browser: the slice goes up and its embedding comes down (FP32, the viewer's default, or FP16); each box
//    runs the split decoder here (onnxruntime-node, and onnxruntime-web WASM as browsers run it) on no wire.
// Box times alternate between the two sides box by box, so load drift favours neither.
// Standalone: node bench/suites/serviceDecoder.mjs '{"resultFile":"/tmp/r.json","model":{"key":"test-tiny","manifest":"models/test-tiny/manifest_u8.json"}}'
// (after the bench bundles are built: bench/dist/core.cjs, oip.cjs, server/). wireBytesPerSlice() is
// exported for other suites that want the figure.
import { childMain, progress } from '../lib/child.mjs';
import { phantomBoxes, phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, loadOip } from '../lib/project.mjs';
import { figure, now, row } from '../lib/rows.mjs';
import { startService } from '../lib/serviceProcess.mjs';
import { startWireCounter } from '../lib/wireCounter.mjs';

/** The client sends the compact uint8 image: the same model described as a "uint8-hw" encoder. */
function compactManifest(manifest) {
  if (manifest.encoder.inputFormat === 'uint8-hw') return manifest;
  return { ...manifest, encoder: { ...manifest.encoder, inputFormat: 'uint8-hw', inputs: { image: 'image_u8' } } };
}

/**
 * Bytes on the wire (HTTP framing included) for one slice and one box, both ways, through a counting proxy
 * in front of `serviceUrl`: { service: { slice, box }, browserFP32: { slice, box }, browserFP16: { slice, box } },
 * each { up, down }. `prepared` is the compact slice, `modelBox` a box in model pixels.
 */
export async function wireBytesPerSlice({ oip, core, manifest, serviceUrl, prepared, modelBox }) {
  const counter = await startWireCounter(serviceUrl);
  const zero = { up: 0, down: 0 };
  try {
    const enc = oip.oipEncoder({ url: counter.url, output: 'FP32' }, manifest);
    const dec = oip.oipDecoder({ url: counter.url }, manifest);
    await enc.checkReady();
    await dec.checkAvailable();
    counter.reset();
    const id = await enc.encodeKept(prepared);
    const slice = counter.read();
    counter.reset();
    await core.decodeModelBox(dec.session(id), manifest, null, prepared, modelBox);
    const box = counter.read();
    const out = { service: { slice, box } };
    for (const output of ['FP32', 'FP16']) {
      const fetching = oip.oipEncoder({ url: counter.url, output }, manifest);
      await fetching.checkReady();
      counter.reset();
      await fetching.encode(prepared);
      out[`browser${output}`] = { slice: counter.read(), box: zero };
    }
    return out;
  } finally {
    await counter.close();
  }
}

async function localDecoder(core, manifest, file, backendName, threads) {
  const backend = await core.createNodeBackend(backendName, threads);
  const source = core.nodeModelSource(file);
  const split = await core.loadSplitDecoder(manifest, source, backend);
  const unsplit = split ? null : await core.loadModelPart(manifest, 'decoder', source, backend);
  return {
    name: backendName === 'node' ? `browser side: node-native-${threads}t` : `browser side: node-wasm-${threads}t`,
    /** The session a box on `embedding` runs (image features once per embedding, as the viewer's BoxDecoder). */
    async sessionFor(embedding) {
      if (!split) return unsplit;
      return core.promptDecoderSession(split, await core.decoderImageFeatures(split, manifest, embedding));
    },
  };
}

export async function run({ model, size = 512, boxes = 12, warmup = 3, slices = 3 }) {
  const core = loadCore();
  const oip = loadOip();
  const manifest = compactManifest(await loadManifest(core, model.manifest));
  const at = { suite: 'service-decoder', model: model.key, size };
  const service = await startService(model.manifest, ['--timeout-ms', '600000']);
  const rows = [];
  try {
    const images = Array.from({ length: slices }, (_, k) => core.prepareImage(phantomSlice(size, k), manifest));
    const checked = (p, b) => core.boxToModelSpace(core.checkBox(b, p.rows, p.columns).box, p.transform);
    const list = phantomBoxes(size, warmup + boxes);

    // Bytes: the last slice (not encoded before), its first box.
    const wire = await wireBytesPerSlice({ oip, core, manifest, serviceUrl: service.url, prepared: images[slices - 1], modelBox: checked(images[slices - 1], list[0]) });
    for (const [way, w] of Object.entries(wire)) {
      const runtime = way === 'service' ? 'decoder on service' : `decoder in browser, embedding ${way.slice(7)}`;
      rows.push(
        figure({ ...at, runtime, stage: 'wire per slice, up' }, w.slice.up, 'bytes'),
        figure({ ...at, runtime, stage: 'wire per slice, down' }, w.slice.down, 'bytes'),
        figure({ ...at, runtime, stage: 'wire per box, up' }, w.box.up, 'bytes'),
        figure({ ...at, runtime, stage: 'wire per box, down' }, w.box.down, 'bytes'),
      );
    }
    progress(`${model.key}: wire per slice ${JSON.stringify(wire)}`);

    // Times: slice → first mask and box → mask, alternating between the service and each local runtime.
    const enc = oip.oipEncoder({ url: service.url, output: 'FP32' }, manifest);
    const enc16 = oip.oipEncoder({ url: service.url, output: 'FP16' }, manifest);
    const dec = oip.oipDecoder({ url: service.url }, manifest);
    await dec.checkAvailable();
    const locals = [await localDecoder(core, manifest, model.manifest, 'node', 2), await localDecoder(core, manifest, model.manifest, 'wasm', 2)];
    for (const local of locals) {
      const s = { service: [], local: [], ratio: [], sliceService: [], sliceLocal: [], sliceLocal16: [] };
      for (const [k, prepared] of images.entries()) {
        const boxesHere = list.map((b) => checked(prepared, b));
        // Slice → first mask: the slice is new to the service each time (a fresh image per round).
        const fresh = { ...prepared, encoderInput: { ...prepared.encoderInput, data: prepared.encoderInput.data.map((v, i) => (i === k + locals.indexOf(local) ? v ^ 1 : v)) } };
        let t = now();
        const id = await enc.encodeKept(fresh);
        await core.decodeModelBox(dec.session(id), manifest, null, fresh, boxesHere[0]);
        s.sliceService.push(now() - t);
        t = now();
        const embedding = await enc.encode(fresh);
        await core.decodeModelBox(await local.sessionFor(embedding), manifest, embedding, fresh, boxesHere[0]);
        s.sliceLocal.push(now() - t);
        t = now();
        const embedding16 = await enc16.encode(fresh);
        await core.decodeModelBox(await local.sessionFor(embedding16), manifest, embedding16, fresh, boxesHere[0]);
        s.sliceLocal16.push(now() - t);
        // Box → mask on a ready slice (embedding kept there / fetched here), box by box alternating.
        const session = await local.sessionFor(embedding);
        for (const [i, b] of boxesHere.entries()) {
          const first = i % 2 === 0;
          const one = async (remote) => {
            const t0 = now();
            if (remote) await core.decodeModelBox(dec.session(id), manifest, null, fresh, b);
            else await core.decodeModelBox(session, manifest, embedding, fresh, b);
            return now() - t0;
          };
          const a = await one(first);
          const c = await one(!first);
          if (i < warmup) continue;
          const [remote, here] = first ? [a, c] : [c, a];
          s.service.push(remote);
          s.local.push(here);
          s.ratio.push(remote / here);
        }
      }
      const runtime = local.name.replace('browser side: ', '');
      rows.push(
        row({ ...at, runtime: `decoder on service (vs ${runtime})`, stage: 'box → mask' }, s.service),
        row({ ...at, runtime: `decoder here, ${runtime}`, stage: 'box → mask' }, s.local),
        row({ ...at, runtime: `service / ${runtime} (paired)`, stage: 'box → mask' }, s.ratio, '×'),
        row({ ...at, runtime: `decoder on service (vs ${runtime})`, stage: 'new slice → first mask' }, s.sliceService),
        row({ ...at, runtime: `decoder here, ${runtime}, embedding FP32`, stage: 'new slice → first mask' }, s.sliceLocal),
        row({ ...at, runtime: `decoder here, ${runtime}, embedding FP16`, stage: 'new slice → first mask' }, s.sliceLocal16),
      );
      progress(`${model.key}: ${runtime}: box → mask, service/here median ratio over ${s.ratio.length} pairs`);
    }
  } finally {
    await service.stop();
  }
  return { rows };
}

await childMain(import.meta.url, run);
