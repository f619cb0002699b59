// Debian's Chromium, headless, driven by playwright-core (never `playwright install`). The flags are the
// ones the project's e2e harness uses as root; WebGPU then gets only SwiftShader's software adapter.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

// The project's one list of Chromium flags (config/chromium.json), with WebGPU's software adapter on.
const chromiumConfig = JSON.parse(readFileSync(new URL('../../config/chromium.json', import.meta.url), 'utf8'));
const FLAGS = [...chromiumConfig.flags, ...chromiumConfig.webgpuFlags];

export async function launchChromium() {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'medsam-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumConfig.executablePath, headless: true, args: FLAGS });
  const errors = [];
  return {
    context,
    version: context.browser()?.version() ?? null,
    errors,
    async newPage() {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
