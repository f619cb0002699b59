// The decoder loop in headless Chromium: the page (cross-origin isolated) talks to a module worker that
// runs onnxruntime-web — WASM with 2 threads, and WebGPU, which here is SwiftShader's software adapter
// (correct, but its timings say nothing about a real GPU). Where the manifest has a split decoder, its prompt
// part is also measured against the unsplit decoder, paired (issue 13).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { childMain, progress } from '../lib/child.mjs';
import { launchChromium } from '../lib/chromium.mjs';
import { distDir, ortWebDist, workDir } from '../lib/paths.mjs';
import { row } from '../lib/rows.mjs';
import { startStaticServer } from '../lib/staticServer.mjs';

function runtimeName(provider, threads) {
  return provider === 'webgpu' ? 'chromium-webgpu (software)' : `chromium-wasm-${threads}t`;
}

function rowsFor(model, runtime, perSize) {
  const rows = [];
  for (const [size, s] of Object.entries(perSize)) {
    const at = { suite: 'decoder-loop', model: model.key, runtime, size: Number(size) };
    rows.push(
      row({ ...at, stage: 'normalise (per image)' }, s.normalise),
      row({ ...at, stage: 'resize (per image)' }, s.resize),
      row({ ...at, stage: 'decoder' }, s.decoder),
      row({ ...at, stage: 'post-process' }, s.postprocess),
      row({ ...at, stage: 'worker ↔ page messages' }, s.messaging),
      row({ ...at, stage: 'labelmap write' }, s.labelmap),
      row({ ...at, stage: 'box → mask' }, s.total),
    );
  }
  return rows;
}

/**
 * The split decoder (manifest `decoderSplit`) against the unsplit one in Chromium WASM, paired per box, on the
 * issue 13 variants page (its own worker: the same core code as the extension's worker), 512².
 */
async function splitPair(browser, server, model, threads) {
  const manifest = JSON.parse(readFileSync(model.manifest, 'utf8'));
  if (!manifest.decoderSplit) return [];
  const runtime = runtimeName('wasm', threads);
  const at = { suite: 'decoder-loop', model: model.key, runtime, size: 512 };
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/bench/variants.html`);
    await page.waitForFunction(() => window.variantsReady === true);
    const variants = [{ label: 'unsplit' }, { label: 'split', split: true }];
    const config = { where: 'worker', threads, size: 512, variants, creations: 1, boxes: 10, warmup: 2, warmupMs: 5000, manifestUrl: `${server.url}/m/${model.key}/${path.basename(model.manifest)}`, embeddingUrl: `${server.url}/work/embedding-${model.key}-512.f32` };
    const res = await page.evaluate((c) => window.runVariants(c), config);
    const rows = [
      row({ ...at, stage: 'decoder, unsplit (paired with the split)' }, res.variants.unsplit.decoder),
      row({ ...at, stage: 'decoder, split: prompt part (per box)' }, res.variants.split.decoder),
      row({ ...at, stage: 'split prompt part / unsplit (paired)' }, res.ratio, '×'),
      row({ ...at, stage: 'decoder, split: image part (once per embedding)' }, res.variants.split.image),
    ];
    progress(`${model.key} ${runtime}: split prompt part ${Math.round(rows[1].median)} ms vs unsplit ${Math.round(rows[0].median)} ms per box (paired ratio ${rows[2].median})`);
    return rows;
  } catch (e) {
    progress(`${model.key} ${runtime} split: failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
    return [];
  } finally {
    await page.close();
  }
}

export async function run({ models, runs, threads, sizes }) {
  const mounts = [
    { prefix: '/ort/', dir: ortWebDist },
    { prefix: '/bench/', dir: path.join(distDir, 'browser') },
    { prefix: '/work/', dir: workDir },
    ...models.map((m) => ({ prefix: `/m/${m.key}/`, dir: path.dirname(m.manifest) })),
  ];
  const server = await startStaticServer(mounts);
  const browser = await launchChromium();
  const rows = [];
  const environments = [];
  try {
    for (const model of models) {
      for (const { provider, boxes, warmup, warmupMs = 0, nextWarmupMs = 0, prepareReps, sizes: runSizes = sizes } of runs) {
        const runtime = runtimeName(provider, threads);
        const page = await browser.newPage();
        try {
          await page.goto(`${server.url}/bench/page.html`);
          await page.waitForFunction(() => window.benchReady === true);
          const embeddingUrls = Object.fromEntries(runSizes.map((s) => [s, `${server.url}/work/embedding-${model.key}-${s}.f32`]));
          const config = { manifestUrl: `${server.url}/m/${model.key}/${path.basename(model.manifest)}`, provider, threads, sizes: runSizes, boxes, warmup, warmupMs, nextWarmupMs, prepareReps, embeddingUrls };
          const result = await page.evaluate((c) => window.runBench(c), config);
          environments.push({ model: model.key, runtime, ...result.info });
          rows.push(...rowsFor(model, runtime, result.perSize));
          progress(`${model.key} ${runtime}: ${runSizes.map((s) => `${s}² box → mask median ${Math.round(rows.filter((r) => r.runtime === runtime && r.size === s && r.stage === 'box → mask').at(-1).median)} ms`).join(', ')}`);
        } catch (e) {
          environments.push({ model: model.key, runtime, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
          progress(`${model.key} ${runtime}: failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
        } finally {
          await page.close();
        }
      }
      rows.push(...(await splitPair(browser, server, model, threads)));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { rows, environments, chromium: browser.version, consoleErrors: browser.errors.slice(0, 10) };
}

await childMain(import.meta.url, run);
