#!/usr/bin/env node
// `npm test`'s jest step: the unit/integration project and the e2e project side by side, each in its own jest
// process (jest 29 has no per-project worker limit, and on 2 cores its one worker ran everything in turn while
// the e2e tests mostly wait on the browser and the PACS). e2e files still run one at a time. Any arguments:
// one plain jest run with them (`npm test -- test/e2e/medsam-3d.test.ts --selectProjects e2e`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import readline from 'node:readline';

const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const args = process.argv.slice(2);

function run(jestArgs, prefix) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [jestBin, ...jestArgs], { stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (prefix) {
      for (const stream of [child.stdout, child.stderr]) {
        readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix} ${line}\n`));
      }
    }
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (args.length > 0) {
  process.exitCode = await run(args, null);
} else {
  const started = Date.now();
  const [unit, e2e] = await Promise.all([run(['--selectProjects', 'unit'], '[unit]'), run(['--selectProjects', 'e2e', '--runInBand'], '[e2e]')]);
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  console.log(`\nnpm test: unit/integration ${unit === 0 ? 'passed' : 'FAILED'}, e2e ${e2e === 0 ? 'passed' : 'FAILED'} (${minutes} min)`);
  process.exitCode = unit === 0 && e2e === 0 ? 0 : 1;
}
