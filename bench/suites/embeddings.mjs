// Makes the warm embeddings the decoder loops start from (one per model and image size), natively, with
// the project's pipeline; records model load and the first (cold) encoder runs on the way.
import os from 'node:os';
import { childMain, progress } from '../lib/child.mjs';
import { phantomSlice } from '../lib/phantom.mjs';
import { loadCore, loadManifest, saveEmbedding } from '../lib/project.mjs';
import { figure, now } from '../lib/rows.mjs';

export async function run({ model, sizes }) {
  const core = loadCore();
  const manifest = await loadManifest(core, model.manifest);
  const backend = core.createOrtNodeBackend({ threads: os.availableParallelism() });
  let t = now();
  const session = await core.loadModelPart(manifest, 'encoder', core.nodeModelSource(model.manifest), backend);
  const rows = [figure({ suite: 'cold', model: model.key, runtime: 'node-native', stage: 'encoder load (read, SHA-256, session, contract)' }, now() - t, 'ms')];
  const encoder = core.sessionEncoder(session, manifest);
  for (const [i, size] of sizes.entries()) {
    const prepared = core.prepareImage(phantomSlice(size), manifest);
    t = now();
    const embedding = await encoder.encode(prepared);
    const ms = now() - t;
    if (i === 0) rows.push(figure({ suite: 'cold', model: model.key, runtime: 'node-native', stage: 'first encoder run' }, ms, 'ms'));
    progress(`${model.key}: embedding of the ${size}×${size} phantom in ${Math.round(ms)} ms`);
    saveEmbedding(model.key, size, embedding);
  }
  await session.release();
  return { rows };
}

await childMain(import.meta.url, run);
