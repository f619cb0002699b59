// Encoder per slice of two models in headless Chromium, paired (see encoderPair.mjs): one module worker per
// model, each with onnxruntime-web WASM and the given threads (cross-origin isolated page), as the
// extension's worker computes an embedding when there is no embedding service.
import path from 'node:path';
import { childMain, progress } from '../lib/child.mjs';
import { launchChromium } from '../lib/chromium.mjs';
import { distDir, ortWebDist } from '../lib/paths.mjs';
import { startStaticServer } from '../lib/staticServer.mjs';
import { pairRows } from './encoderPair.mjs';

export async function run({ models, threads, size, pairs, warmup }) {
  const mounts = [
    { prefix: '/ort/', dir: ortWebDist },
    { prefix: '/bench/', dir: path.join(distDir, 'browser') },
    ...models.map((m) => ({ prefix: `/m/${m.key}/`, dir: path.dirname(m.manifest) })),
  ];
  const server = await startStaticServer(mounts);
  const browser = await launchChromium();
  const runtime = `chromium-wasm-${threads}t`;
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/bench/page.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const manifestUrls = models.map((m) => `${server.url}/m/${m.key}/${path.basename(m.manifest)}`);
    // Seconds per ViT-B run: no playwright timeout of its own (the parent's job timeout bounds the run).
    page.setDefaultTimeout(0);
    const result = await page.evaluate((c) => window.runEncoderPair(c), { manifestUrls, threads, size, pairs, warmup });
    const samples = Object.fromEntries(models.map((m, i) => [m.key, result.samples[i]]));
    const rows = pairRows({ models, runtime, size, samples });
    const median = (m) => rows.find((r) => r.model === m.key && r.stage === 'encoder per slice (prepare + run)').median;
    progress(`${runtime}: ${models.map((m) => `${m.key} ${Math.round(median(m))} ms per slice`).join(', ')}`);
    return { rows, environments: models.map((m, i) => ({ model: m.key, runtime, suite: 'encoder-pair', ...result.info[i] })), chromium: browser.version };
  } finally {
    await browser.close();
    await server.close();
  }
}

await childMain(import.meta.url, run);
