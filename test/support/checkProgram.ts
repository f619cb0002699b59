// A check program of test/support run in a child Node process (where onnxruntime-web runs as in the browser),
// bundled once per test file: the integration tests of the decoder variants and the encoder worker share it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '../..');

/**
 * Registers the bundling (beforeAll) and its clean-up (afterAll) of test/support/<name>.ts; call it at the top
 * level of a test file. `run` runs the program with its arguments and returns its stdout.
 */
export function checkProgram(name: string): { run(args: readonly string[], timeoutMs?: number): string } {
  let dir = '';
  let program = '';
  beforeAll(async () => {
    // Inside the repository, so that onnxruntime-web's dynamic import finds node_modules.
    mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
    dir = mkdtempSync(join(ROOT, `node_modules/.cache/${name}-`));
    program = join(dir, `${name}.cjs`);
    await build({ entryPoints: [join(ROOT, `test/support/${name}.ts`)], outfile: program, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node', 'onnxruntime-web'], nodePaths: [join(ROOT, 'node_modules')], logLevel: 'warning' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    run: (args, timeoutMs = 120_000) =>
      execFileSync(process.execPath, [program, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, timeout: timeoutMs }),
  };
}
