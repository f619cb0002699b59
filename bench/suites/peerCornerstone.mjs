// Peer comparison in one Chromium: the same decoder model, embedding, image size and boxes through our
// loop (worker + core, onnxruntime-web 1.30 WASM) and through @cornerstonejs/ai's ONNXSegmentationController
// (its decode(), its own onnxruntime-web 1.17.1 WASM). See browser/peer/ for how the peer is driven.
import path from 'node:path';
import { childMain, progress } from '../lib/child.mjs';
import { launchChromium } from '../lib/chromium.mjs';
import { distDir, ortWebDist, repoRoot, workDir } from '../lib/paths.mjs';
import { phantomBoxes } from '../lib/phantom.mjs';
import { MAX_WARMUP } from '../lib/warmup.mjs';
import { loadCore, loadManifest } from '../lib/project.mjs';
import { figure, row } from '../lib/rows.mjs';
import { summarize } from '../lib/stats.mjs';
import { startStaticServer } from '../lib/staticServer.mjs';

const PEER_ORT = path.join(repoRoot, 'node_modules/@cornerstonejs/ai/node_modules/onnxruntime-web/dist');
const PEER_VERSION = '4.19.0';

export async function run({ model, threads, size, boxes, warmup, warmupMs = 0 }) {
  const core = loadCore();
  const manifest = await loadManifest(core, model.manifest);
  if (manifest.decoder.contract !== 'sam') {
    throw new Error(`@cornerstonejs/ai feeds SAM's decoder contract only (image_embeddings, point_coords, ...); ${model.key}'s decoder has the "${manifest.decoder.contract}" contract`);
  }
  const server = await startStaticServer([
    { prefix: '/bench/ort/', dir: PEER_ORT }, // the controller loads its WASM from "ort/" next to the page
    { prefix: '/bench/', dir: path.join(distDir, 'browser') },
    { prefix: '/ort/', dir: ortWebDist },
    { prefix: '/work/', dir: workDir },
    { prefix: `/m/${model.key}/`, dir: path.dirname(model.manifest) },
  ]);
  const browser = await launchChromium();
  const embeddingUrl = `${server.url}/work/embedding-${model.key}-${size}.f32`;
  const at = { suite: 'peer', model: model.key, size };
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/bench/page.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const ours = await page.evaluate((c) => window.runBench(c), {
      manifestUrl: `${server.url}/m/${model.key}/${path.basename(model.manifest)}`,
      provider: 'wasm', threads, sizes: [size], boxes, warmup, warmupMs, prepareReps: 1, embeddingUrls: { [size]: embeddingUrl },
    });
    await page.close();

    const peerPage = await browser.newPage();
    await peerPage.goto(`${server.url}/bench/peer.html?provider=wasm&threads=${threads}`);
    await peerPage.waitForFunction(() => window.peerReady === true);
    const peer = await peerPage.evaluate((c) => window.runPeer(c), {
      decoderUrl: `${server.url}/m/${model.key}/${manifest.decoder.file}`, embeddingUrl, size, boxes: phantomBoxes(size, MAX_WARMUP + boxes), count: boxes, warmup, warmupMs,
    });
    await peerPage.close();

    const s = ours.perSize[size];
    const oursName = `ours (core + ort-web ${ours.info.backend.split('/')[1]} 1.30, ${ours.info.wasmThreads}t)`;
    const peerName = `@cornerstonejs/ai ${PEER_VERSION} (ort-web 1.17.1, ${peer.info.wasmThreads}t${peer.info.proxy ? ', proxy worker' : ''})`;
    const ratio = summarize(peer.total).median / summarize(s.total).median;
    progress(`${model.key} ${size}²: ours ${Math.round(summarize(s.total).median)} ms, @cornerstonejs/ai ${Math.round(summarize(peer.total).median)} ms per box`);
    return {
      rows: [
        row({ ...at, runtime: oursName, stage: 'decoder (feeds + session.run)' }, s.decoder),
        row({ ...at, runtime: oursName, stage: 'box → mask' }, s.total),
        row({ ...at, runtime: peerName, stage: 'decoder session.run' }, peer.run),
        row({ ...at, runtime: peerName, stage: 'box → mask (decode())' }, peer.total),
        figure({ ...at, runtime: peerName, stage: 'box → mask, peer / ours' }, ratio, '×'),
      ],
      notes: { ours: ours.info, peer: peer.info, peerMaskPixels: peer.maskPixels },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

await childMain(import.meta.url, run);
