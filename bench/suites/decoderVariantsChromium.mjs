// Issue 13's decoder variants in headless Chromium WASM (page browser/variantsPage.mjs): one page per run,
// each run { where: 'worker' | 'page', proxy, threads, variants: [spec, spec?], creations, boxes }: rows for
// session creation, image part, decoder per box of each variant; with two, the paired ratio and IoU. Or a run
// { engines: [{ where, proxy, threads }, …2], spec, boxes }: one variant on two settings, paired.
import path from 'node:path';
import { childMain, progress } from '../lib/child.mjs';
import { launchChromium } from '../lib/chromium.mjs';
import { distDir, ortWebDist, workDir } from '../lib/paths.mjs';
import { row } from '../lib/rows.mjs';
import { startStaticServer } from '../lib/staticServer.mjs';

export async function run({ model, runs, size = 512, warmup = 2, warmupMs = 5000 }) {
  const server = await startStaticServer([
    { prefix: '/ort/', dir: ortWebDist },
    { prefix: '/bench/', dir: path.join(distDir, 'browser') },
    { prefix: '/work/', dir: workDir },
    { prefix: '/m/', dir: path.dirname(model.manifest) },
  ]);
  const browser = await launchChromium();
  const rows = [];
  const environments = [];
  try {
    for (const r of runs) {
      if (r.engines) {
        rows.push(...(await enginePair(browser, server, model, r, { size, warmup, warmupMs }, environments)));
        continue;
      }
      const runtime = `chromium-wasm-${r.threads}t, ${r.where === 'page' ? `page, proxy ${r.proxy ? 'on' : 'off'}` : 'own worker'}`;
      const at = { suite: 'decoder-variants-chromium', model: model.key, runtime, size };
      const page = await browser.newPage();
      try {
        await page.goto(`${server.url}/bench/variants.html`);
        await page.waitForFunction(() => window.variantsReady === true);
        const config = { ...r, size, warmup, warmupMs, manifestUrl: `${server.url}/m/${path.basename(model.manifest)}`, embeddingUrl: `${server.url}/work/embedding-${model.key}-${size}.f32` };
        const res = await page.evaluate((c) => window.runVariants(c), config);
        environments.push({ runtime, ...res.info });
        for (const spec of r.variants) {
          const v = res.variants[spec.label];
          rows.push(row({ ...at, stage: `${spec.label}: session creation` }, v.create));
          if (v.image.length) rows.push(row({ ...at, stage: `${spec.label}: image part (once per embedding)` }, v.image));
          rows.push(row({ ...at, stage: `${spec.label}: decoder (per box)` }, v.decoder));
        }
        if (r.variants.length === 2) {
          const [a, b] = r.variants.map((v) => v.label);
          rows.push(row({ ...at, stage: `${b} / ${a}, per box (paired)` }, res.ratio, '×'));
          rows.push(row({ ...at, stage: `${b} vs ${a}: mask IoU` }, res.iou, 'IoU'));
        }
        progress(`${runtime}: ${r.variants.map((s) => `${s.label} ${Math.round(rows.filter((x) => x.runtime === runtime && x.stage === `${s.label}: decoder (per box)`).at(-1).median)} ms`).join(', ')}${r.variants.length === 2 ? ` (paired ratio ${rows.at(-2).median})` : ''}`);
      } catch (e) {
        environments.push({ runtime, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
        progress(`${runtime}: failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { rows, environments, chromium: browser.version };
}

const settingName = (e) => `${e.threads}t, ${e.where === 'page' ? `page, proxy ${e.proxy ? 'on' : 'off'}` : 'own worker'}`;

/** One decoder variant on two engines (threads, proxy), boxes alternating: rows per engine and the ratio. */
async function enginePair(browser, server, model, r, { size, warmup, warmupMs }, environments) {
  const [a, b] = r.engines.map(settingName);
  const at = { suite: 'decoder-variants-chromium', model: model.key, runtime: `chromium-wasm: ${b} vs ${a}`, size };
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/bench/variants.html`);
    await page.waitForFunction(() => window.variantsReady === true);
    const config = { ...r, size, warmup, warmupMs, manifestUrl: `${server.url}/m/${path.basename(model.manifest)}`, embeddingUrl: `${server.url}/work/embedding-${model.key}-${size}.f32` };
    const res = await page.evaluate((c) => window.runEnginePair(c), config);
    environments.push({ runtime: at.runtime, engines: res.info });
    const rows = [
      row({ ...at, stage: `${r.spec.label} decoder (per box), ${a}` }, res.decoder[0]),
      row({ ...at, stage: `${r.spec.label} decoder (per box), ${b}` }, res.decoder[1]),
      row({ ...at, stage: `${b} / ${a}, per box (paired)` }, res.ratio, '×'),
    ];
    progress(`${a}: ${Math.round(rows[0].median)} ms, ${b}: ${Math.round(rows[1].median)} ms per box (paired ratio ${b} / ${a} ${rows[2].median})`);
    return rows;
  } catch (e) {
    environments.push({ runtime: at.runtime, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    progress(`${at.runtime}: failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
    return [];
  } finally {
    await page.close();
  }
}

await childMain(import.meta.url, run);
