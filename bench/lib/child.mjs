// Each measurement runs in a child Node process of its own: peak RSS then belongs to one measurement, a
// crashed or hung runtime cannot take the whole run down, and big sessions are freed between suites.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { workDir } from './paths.mjs';

let counter = 0;

/** Runs `script` (a suite file) with `params`; resolves to what its run() returned. */
export function runChild(script, params, { timeoutMs = 600_000, nodeArgs = [] } = {}) {
  mkdirSync(workDir, { recursive: true });
  const out = path.join(workDir, `result-${process.pid}-${++counter}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, JSON.stringify({ ...params, resultFile: out })], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(script)} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      let result;
      try {
        result = JSON.parse(readFileSync(out, 'utf8'));
        rmSync(out, { force: true });
      } catch {
        return reject(new Error(`${path.basename(script)} exited (${signal ?? code}) without a result`));
      }
      if (result.error) reject(new Error(result.error));
      else resolve(result.value);
    });
  });
}

/**
 * The child side: when `metaUrl` is the script Node was started with, runs `fn(params)` and writes its
 * value (or its error) where the parent reads it, then exits (runtimes may hold threads open).
 */
export async function childMain(metaUrl, fn) {
  if (!process.argv[1] || pathToFileURL(path.resolve(process.argv[1])).href !== metaUrl) return;
  const params = JSON.parse(process.argv[2] ?? '{}');
  const { writeFileSync } = await import('node:fs');
  try {
    const value = await fn(params);
    writeFileSync(params.resultFile, JSON.stringify({ value }));
    process.exit(0);
  } catch (e) {
    writeFileSync(params.resultFile, JSON.stringify({ error: e instanceof Error ? e.stack ?? e.message : String(e) }));
    process.exit(1);
  }
}

/** Progress on stderr, so the table on stdout stays clean. */
export const progress = (msg) => process.stderr.write(`  · ${msg}\n`);
