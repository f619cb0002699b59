// Builds the service alone: `node server/build.mjs [--outdir <dir>] [--testing]` (tests build into their own folder;
// the outdir must sit inside the repository so that onnxruntime-node resolves from node_modules).
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverBuildTarget } from './build-target.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--outdir');
const outdir = i > 0 ? resolve(process.argv[i + 1]) : undefined;
const target = serverBuildTarget(root, outdir ? { outdir } : {});
// --testing adds the tests' reference runners (server/src/testing/referenceEmbed.ts, referenceDecode.ts).
if (process.argv.includes('--testing')) target.entryPoints.push(join(root, 'server/src/testing/referenceEmbed.ts'), join(root, 'server/src/testing/referenceDecode.ts'));
await build(target);
