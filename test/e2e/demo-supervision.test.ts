// The demo's supervision (scripts/demo/supervise.mjs) on the real stack: Orthanc and the embedding service
// are killed (SIGKILL, like a crash) and must come back by themselves, the service's /v2/ proxy included.
// The stack runs in a child node (the demo's modules are ES modules) that prints its URLs and pids.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from './harness';

jest.setTimeout(300_000);

const script = `
  import { startStack } from ${JSON.stringify(path.join(repoRoot, 'scripts/demo/stack.mjs'))};
  import { supervise } from ${JSON.stringify(path.join(repoRoot, 'scripts/demo/supervise.mjs'))};
  const stack = await startStack({ embeddingService: true, log: (l) => process.stderr.write(l + '\\n') });
  supervise(stack, { intervalMs: 250, log: (l) => console.log(JSON.stringify({ log: l })) });
  const report = () => console.log(JSON.stringify({ url: stack.url, orthancDir: stack.orthanc.dir, orthancUrl: stack.orthanc.url, servicePid: stack.embeddings?.pid ?? null }));
  report();
  process.stdin.on('data', () => report());
  process.stdin.on('end', async () => { await stack.stop(); process.exit(0); });`;

/** Pids whose command line has `arg` (from /proc, so no procps is needed). */
function processesWithArg(arg: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(arg);
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface Report { url: string; orthancDir: string; orthancUrl: string; servicePid: number | null }

async function until<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the demo restarts its PACS and embedding service when they die', () => {
  let child: ChildProcess;
  const reports: Report[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'ignore'] });
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as Report | { log: string };
      if ('log' in msg) logs.push(msg.log);
      else reports.push(msg);
    });
    await until('the stack', async () => reports[0] ?? null, 240_000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      await gone;
    }
  });

  it('Orthanc killed: it is back on the same URL with the same studies', async () => {
    const { orthancUrl, orthancDir } = reports[0];
    const studiesBefore = await (await fetch(`${orthancUrl}/studies`)).json();
    const pids = processesWithArg(`${orthancDir}/orthanc.json`);
    expect(pids).toHaveLength(1);
    process.kill(pids[0], 'SIGKILL');
    await until('Orthanc back', async () => ((await fetch(`${orthancUrl}/system`)).ok ? true : null));
    expect(await (await fetch(`${orthancUrl}/studies`)).json()).toEqual(studiesBefore);
    expect(logs.some((l) => /Orthanc stopped: restarting/.test(l))).toBe(true);
  });

  it('the embedding service killed: /v2/ on the viewer answers again, from a new process', async () => {
    const { url, servicePid } = reports[0];
    expect(servicePid).not.toBeNull();
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200);
    process.kill(servicePid!, 'SIGKILL');
    await until('/v2/ back', async () => ((await fetch(`${url}/v2/health/ready`)).status === 200 ? true : null));
    child.stdin!.write('report\n');
    const latest = await until('a new report', async () => (reports.length > 1 ? reports[reports.length - 1] : null));
    expect(latest.servicePid).not.toBe(servicePid);
    expect(logs.some((l) => /embedding service is back/.test(l))).toBe(true);
  });
});
