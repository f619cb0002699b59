/**
 * Runs the 3D prompts on every phantom organ in one process, with one embedding per slice shared by all
 * prompts, and prints per-organ results as JSON. A program rather than test code because onnxruntime-node's
 * tensors come from Node's own realm, which jest's sandbox does not share; segment3d.phantom.test.ts bundles
 * and runs it.
 *   node phantomOrgans3d.cjs <phantom dir with hu.npy, labels.npy, labels.json> <ct.nii> <manifest.json>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest } from '../../core/src/cli/manifestFile';
import { loadVolumeInput } from '../../core/src/cli/volumeInput';
import { loadModelPart } from '../../core/src/pipeline/modelLoader';
import { prepareImage, sessionEncoder, type PreparedImage } from '../../core/src/pipeline/predictor';
import { modelInputTransform } from '../../core/src/pipeline/resize/modelTransform';
import type { Tensor } from '../../core/src/pipeline/tensor';
import { decodeModelBox, segmentBox3D, segmentFromKeySlices, segmentFromOneBox, type SliceModel, type SliceResult } from '../../core/src/pipeline/volume';
import { createNodeBackend } from '../../core/src/runtimes/backendChoice';
import { nodeModelSource } from '../../core/src/runtimes/nodeModelSource';
import { dice } from './cli';
import { readNpy } from './npy';

export const ORGANS = ['lung_right', 'lung_left', 'liver', 'spleen', 'kidney_right', 'kidney_left', 'aorta', 'spine', 'liver_lesion'];

export interface OrganResult {
  organ: string;
  trueExtent: [number, number];
  box3d: { range: [number, number]; dice: number };
  oneBox: { slice: number; kept: [number, number]; rules: [string, string]; dice: number };
  /** Boxes marked every 5th slice of the true extent (and on its last), linear in between. */
  keySlices: { marked: number[]; dice: number; interpolated: number };
}

async function main(phantomDir: string, niftiPath: string, manifestPath: string): Promise<OrganResult[]> {
  const labels = readNpy(join(phantomDir, 'labels.npy'));
  const [slices, rows, columns] = labels.shape;
  const plane = rows * columns;
  const meta = JSON.parse(readFileSync(join(phantomDir, 'labels.json'), 'utf8')) as { labels: Record<string, string>; contains: Record<string, string[]> };
  const idOf = (name: string) => Number(Object.entries(meta.labels).find(([, n]) => n === name)![0]);

  const manifest = await loadManifest(manifestPath);
  const volume = await loadVolumeInput(niftiPath);
  const backend = await createNodeBackend('node');
  const [encoderSession, decoder] = await Promise.all([
    loadModelPart(manifest, 'encoder', nodeModelSource(manifestPath), backend),
    loadModelPart(manifest, 'decoder', nodeModelSource(manifestPath), backend),
  ]);
  const encoder = sessionEncoder(encoderSession, manifest);
  const cache = new Map<number, Promise<{ prepared: PreparedImage; embedding: Tensor }>>();
  const embedOnce = (z: number) => {
    if (!cache.has(z)) {
      const prepared = prepareImage(volume.slices[z], manifest, { kind: 'ct-window' });
      cache.set(z, encoder.encode(prepared).then((embedding) => ({ prepared, embedding })));
    }
    return cache.get(z)!;
  };
  const model: SliceModel<Tensor> = {
    embed: async (z) => (await embedOnce(z)).embedding,
    decode: async (embedding, z, box) => decodeModelBox(decoder, manifest, embedding, (await embedOnce(z)).prepared, box),
  };
  const shape = { transform: modelInputTransform(manifest.profile, manifest.inputSize, rows, columns), sliceCount: slices };
  const toVolume = (kept: readonly SliceResult[]) => {
    const v = new Uint8Array(slices * plane);
    for (const s of kept) v.set(s.mask.data, s.slice * plane);
    return v;
  };

  const out: OrganResult[] = [];
  for (const organ of ORGANS) {
    const ids = [organ, ...(meta.contains[organ] ?? [])].map(idOf);
    const truth = (labels.data as Uint8Array).map((l) => (ids.includes(l) ? 1 : 0));
    const areas = Array.from({ length: slices }, (_, z) => truth.subarray(z * plane, (z + 1) * plane).reduce((a, b) => a + b, 0));
    const z0 = areas.findIndex((a) => a > 0);
    const z1 = slices - 1 - [...areas].reverse().findIndex((a) => a > 0);
    const bboxOn = (z: number) => {
      let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
      for (let i = 0; i < plane; i++) {
        if (!truth[z * plane + i]) continue;
        const [x, y] = [i % columns, Math.floor(i / columns)];
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      }
      return { x0, y0, x1, y1 };
    };
    // MedSAM's 3D box over the true range, the box drawn on the range's middle slice.
    const middle = Math.trunc((z1 - z0) / 2 + z0);
    const r3 = await segmentBox3D(model, shape, { box: bboxOn(middle), range: [z0, z1] });
    // One box on the slice where the organ is largest, no range.
    const key = areas.indexOf(Math.max(...areas));
    const r1 = await segmentFromOneBox(model, shape, { box: bboxOn(key), slice: key });
    const marked = Array.from({ length: z1 - z0 + 1 }, (_, i) => z0 + i).filter((z) => (z - z0) % 5 === 0 || z === z1);
    const rk = await segmentFromKeySlices(model, shape, { keys: marked.map((z) => ({ slice: z, box: bboxOn(z) })), range: [z0, z1] });
    out.push({
      organ,
      trueExtent: [z0, z1],
      box3d: { range: [z0, z1], dice: dice(toVolume(r3.slices), truth) },
      oneBox: { slice: key, kept: [r1.stops.down.lastSlice, r1.stops.up.lastSlice], rules: [r1.stops.down.rule, r1.stops.up.rule], dice: dice(toVolume(r1.slices), truth) },
      keySlices: { marked, dice: dice(toVolume(rk.slices), truth), interpolated: rk.slices.filter((s) => s.boxSource === 'interpolated').length },
    });
  }
  await Promise.all([encoderSession.release(), decoder.release()]);
  return out;
}

if (require.main === module) {
  const [phantomDir, niftiPath, manifestPath] = process.argv.slice(2);
  main(phantomDir, niftiPath, manifestPath).then(
    (results) => console.log(JSON.stringify(results)),
    (e) => {
      console.error(e instanceof Error ? e.stack : String(e));
      process.exit(1);
    },
  );
}
