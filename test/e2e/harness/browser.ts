// Debian's Chromium driven by playwright-core (never `playwright install`: it downloads a browser). A fresh
// profile per launch so no state (service workers, storage, caches) leaks between test files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import chromiumConfig from '../../../config/chromium.json';

export const CHROMIUM = chromiumConfig.executablePath;
// Without WebGPU the GPU process is disabled outright; with it, SwiftShader provides a software adapter.
const FLAGS = [...chromiumConfig.flags, ...chromiumConfig.noGpuFlags];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** console.error messages and uncaught page errors, in order. */
  errors: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** A (software, SwiftShader) WebGPU adapter; fine for correctness, meaningless for timing. */
  webgpu?: boolean;
  viewport?: { width: number; height: number };
}

export async function launchBrowser({ webgpu = false, viewport = { width: 1280, height: 800 } }: LaunchOptions = {}): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'medsam-chromium-'));
  // playwright adds --headless itself (headless: true) and takes the profile as user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: webgpu ? [...chromiumConfig.flags, ...chromiumConfig.webgpuFlags] : FLAGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
