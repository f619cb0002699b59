// A stand-in for a bench suite that bench/lib/child.mjs runs: it starts a long-lived process of its own, as the
// service suites start the embedding service, writes both pids, then hangs or crashes without stopping it.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const params = JSON.parse(process.argv[2] ?? '{}');
const service = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
writeFileSync(params.pidFile, JSON.stringify({ suite: process.pid, service: service.pid }));
if (params.then === 'crash') process.exit(1); // no result written, the service left running
setInterval(() => {}, 1000); // hangs until stopped
