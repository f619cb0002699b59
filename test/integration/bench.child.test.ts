// bench/lib/child.mjs: a suite's child process and whatever it started (the embedding service) end together —
// on a timeout, when the suite crashes without stopping them, and when the benchmark itself is interrupted.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, tempDir } from '../support/cli';

const work = tempDir('medsam-bench-child-');
const SUITE = join(ROOT, 'test/support/benchSuiteLeavingAProcess.mjs');
const CHILD_LIB = pathToFileURL(join(ROOT, 'bench/lib/child.mjs')).href;
const started: number[] = [];

/** Alive and not a zombie (this container's pid 1 may never reap what it inherits). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls a state of other processes (nothing to wait on from here); the bound only catches a hang. */
async function until(what: () => boolean, description: string): Promise<void> {
  for (let i = 0; i < 2000 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!what()) throw new Error(`${description} did not happen`);
}

function pidsOf(pidFile: string): { suite: number; service: number } {
  const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { suite: number; service: number };
  started.push(pids.suite, pids.service);
  return pids;
}

/** A Node process that runs runChild on the stand-in suite and prints how it ended. */
function driver(params: { pidFile: string; then: 'hang' | 'crash' }, timeoutMs: number): string {
  return `import { runChild } from ${JSON.stringify(CHILD_LIB)};
runChild(${JSON.stringify(SUITE)}, ${JSON.stringify(params)}, { timeoutMs: ${timeoutMs} }).then(
  () => console.log(JSON.stringify({ ok: true })),
  (e) => console.log(JSON.stringify({ error: e.message })),
);`;
}

afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

it('a suite that runs past its time is stopped together with the service it started', async () => {
  const pidFile = join(work, 'hang.json');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver({ pidFile, then: 'hang' }, 3000)], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ error: 'benchSuiteLeavingAProcess.mjs took longer than 3 s and was stopped' });
  const { suite, service } = pidsOf(pidFile);
  await until(() => !alive(suite) && !alive(service), 'the end of the suite and of its service');
});

it('a suite that crashes without stopping its service: the service goes with it', async () => {
  const pidFile = join(work, 'crash.json');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver({ pidFile, then: 'crash' }, 60_000)], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ error: 'benchSuiteLeavingAProcess.mjs exited (1) without a result' });
  const { service } = pidsOf(pidFile);
  await until(() => !alive(service), 'the end of the service the crashed suite left');
});

it('an interrupted benchmark stops the running suite and its service', async () => {
  const pidFile = join(work, 'interrupted.json');
  const bench = spawn(process.execPath, ['--input-type=module', '-e', driver({ pidFile, then: 'hang' }, 600_000)], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => bench.on('exit', (code) => resolve(code)));
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('}'), 'the suite starting its service');
  const { suite, service } = pidsOf(pidFile);
  bench.kill('SIGTERM');
  expect(await exited).toBe(143);
  await until(() => !alive(suite) && !alive(service), 'the end of the suite and of its service');
});
