// The medsam CLI on one DICOM slice, with the same runtime as the browser (onnxruntime-web WASM, same
// thread count), so that its mask can be compared bit for bit with the viewer's.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';

const run = promisify(execFile);

export interface CliMask {
  readonly rows: number;
  readonly columns: number;
  readonly mask: Uint8Array;
  readonly json: unknown;
  readonly ms: number;
}

/** `backend` defaults to 'wasm' (the browser's runtime); 'node' is onnxruntime-node, as the embedding service runs. */
export async function cliSegment(repoRoot: string, o: { model: string; image: string; box: { x0: number; y0: number; x1: number; y1: number }; threads: number; outDir: string; backend?: 'wasm' | 'node' }): Promise<CliMask> {
  const backend = o.backend ?? 'wasm';
  const out = path.join(o.outDir, backend === 'wasm' ? 'cli-mask.png' : `cli-mask-${backend}.png`);
  const box = [o.box.x0, o.box.y0, o.box.x1, o.box.y1].map(String).join(',');
  const t0 = Date.now();
  const { stdout } = await run(
    process.execPath,
    [path.join(repoRoot, 'core/dist/medsam.cjs'), 'segment', '--model', o.model, '--image', o.image, '--box', box, '--out', out, '--json', '--backend', backend, '--threads', String(o.threads)],
    { cwd: repoRoot, maxBuffer: 16 << 20 },
  );
  const ms = Date.now() - t0;
  const png = PNG.sync.read(fs.readFileSync(out));
  const mask = new Uint8Array(png.width * png.height);
  for (let i = 0; i < mask.length; i++) mask[i] = png.data[4 * i] > 0 ? 1 : 0;
  return { rows: png.height, columns: png.width, mask, json: JSON.parse(stdout), ms };
}
