// What a failing (or passing) e2e test leaves behind for a human: numbered screenshots of each step in
// test-output/<test-name>/NN-step.png, plus the stack's log and the page's console errors.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './stack';

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

export class Artifacts {
  readonly dir: string;
  private step = 0;

  constructor(testName: string) {
    this.dir = path.join(repoRoot, 'test-output', slug(testName));
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Screenshot the page as the next numbered step; returns the file. */
  async screenshot(page: Page, name: string): Promise<string> {
    this.step += 1;
    const file = this.file(`${String(this.step).padStart(2, '0')}-${slug(name)}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  writeText(name: string, text: string): void {
    fs.writeFileSync(this.file(name), text);
  }
}
