// Each measurement runs in a child Node process of its own: peak RSS then belongs to one measurement, a
// crashed or hung runtime cannot take the whole run down, and big sessions are freed between suites.
// The child leads a process group of its own, so what it started (the embedding service) ends with it: on a
// timeout, and when it exits without having stopped them (a crash, an error that skipped its cleanup).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { workDir } from './paths.mjs';

let counter = 0;

/** Process groups of children still running: ended too if this process is interrupted or exits. */
const liveGroups = new Set();

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

const killLiveGroups = () => {
  for (const pid of liveGroups) killGroup(pid);
};
// A group of its own no longer gets the terminal's Ctrl-C: this process passes it on, then stops as it would have.
const onSignal = (signal) => {
  killLiveGroups();
  process.exit(128 + (os.constants.signals[signal] ?? 0));
};

function track(pid) {
  if (liveGroups.size === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', killLiveGroups);
  }
  liveGroups.add(pid);
}

function untrack(pid) {
  if (!liveGroups.delete(pid) || liveGroups.size > 0) return;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('exit', killLiveGroups);
}

/** Runs `script` (a suite file) with `params`; resolves to what its run() returned. */
export function runChild(script, params, { timeoutMs = 600_000, nodeArgs = [] } = {}) {
  mkdirSync(workDir, { recursive: true });
  const out = path.join(workDir, `result-${process.pid}-${++counter}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, JSON.stringify({ ...params, resultFile: out })], {
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    if (child.pid !== undefined) track(child.pid);
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new Error(`${path.basename(script)} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      if (child.pid !== undefined) {
        killGroup(child.pid);
        untrack(child.pid);
      }
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Whatever the child left running (a service it did not stop) goes with it.
      killGroup(child.pid);
      untrack(child.pid);
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
