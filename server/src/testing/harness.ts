// Helpers for the service's tests: build the bundle, start it (in-process or as a child process), make
// images and requests. Not part of the service itself.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBody } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '@medsam-ohif/core/src/runtimes/oipProtocol';

export const REPO_ROOT = join(__dirname, '../../..');
export const testModel = (file: string) => join(REPO_ROOT, 'server/test-models', file);
export const S = 1024;

/**
 * Builds main.cjs + encoderWorker.cjs from the current sources (worker threads cannot run TypeScript).
 * Inside node_modules/.cache so that onnxruntime-node resolves; one folder per test file (they run in
 * parallel).
 */
export interface ServerBuild {
  readonly main: string;
  readonly worker: string;
  readonly decoderWorker: string;
  readonly referenceEmbed: string;
  readonly referenceDecode: string;
}

export function buildServer(tag: string): ServerBuild {
  const outdir = join(REPO_ROOT, 'node_modules/.cache/medsam-server-test', tag);
  execFileSync(process.execPath, [join(REPO_ROOT, 'server/build.mjs'), '--outdir', outdir, '--testing'], { stdio: 'pipe' });
  const out = {
    main: join(outdir, 'main.cjs'),
    worker: join(outdir, 'encoderWorker.cjs'),
    decoderWorker: join(outdir, 'decoderWorker.cjs'),
    referenceEmbed: join(outdir, 'referenceEmbed.cjs'),
    referenceDecode: join(outdir, 'referenceDecode.cjs'),
  };
  for (const file of Object.values(out)) if (!existsSync(file)) throw new Error(`the server build did not produce ${file}`);
  return out;
}

/** A synthetic MR-like slice (uint16, not square, so the resize really works). */
export function sourceImage(rows = 300, columns = 420): Uint16Array {
  const px = new Uint16Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const body = ((r - rows / 2) / (rows * 0.4)) ** 2 + ((c - columns / 2) / (columns * 0.45)) ** 2 < 1 ? 600 : 0;
      const lesion = (r - 120) ** 2 + (c - 250) ** 2 < 30 ** 2 ? 900 : 0;
      px[r * columns + c] = body + lesion + ((r * 31 + c * 17) % 97) * 3;
    }
  }
  return px;
}

/**
 * Runs the in-process pipeline (prepareImage + sessionEncoder, float32-nchw encoder) in a child process
 * and returns its embedding and the compact uint8 input prepareImage makes for the uint8-hw manifest.
 */
export function referenceEmbedding(build: ServerBuild, rows = 300, columns = 420): { embedding: Float32Array; compact: Uint8Array } {
  const dir = mkdtempSync(join(tmpdir(), 'medsam-ref-'));
  try {
    const image = join(dir, 'image.u16');
    const px = sourceImage(rows, columns);
    writeFileSync(image, Buffer.from(px.buffer, px.byteOffset, px.byteLength));
    execFileSync(process.execPath, [build.referenceEmbed, testModel('manifest-f32.json'), testModel('manifest-u8.json'), image, String(rows), String(columns), dir], { stdio: 'pipe' });
    const e = readFileSync(join(dir, 'embedding.f32'));
    return { embedding: new Float32Array(e.buffer.slice(e.byteOffset, e.byteOffset + e.byteLength)), compact: new Uint8Array(readFileSync(join(dir, 'compact.u8'))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A deterministic grey image that does not span 0..255, so min-max matters. */
export function testImage(seed = 1, size = S): Uint8Array {
  const img = new Uint8Array(size * size);
  let x = seed >>> 0 || 1;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const disc = (r - 400) ** 2 + (c - 600) ** 2 < 150 ** 2 ? 60 : 0;
      img[r * size + c] = 20 + Math.floor((c / size) * 120) + disc + ((x >>> 0) % 9);
    }
  }
  return img;
}

export interface BinaryRequestOptions {
  readonly input?: string;
  readonly datatype?: 'FP32' | 'FP16';
  readonly binaryOutput?: boolean;
  readonly id?: string;
}

/** A binary-extension inference request for one UINT8 [S, S] image. */
export function binaryRequest(image: Uint8Array, o: BinaryRequestOptions = {}): { body: Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  const header = {
    ...(o.id ? { id: o.id } : {}),
    inputs: [{ name: o.input ?? 'image_u8', shape: [S, S], datatype: 'UINT8', parameters: { binary_data_size: image.byteLength } }],
    outputs: [{ name: 'image_embeddings', parameters: { binary_data: o.binaryOutput ?? true, ...(o.datatype ? { datatype: o.datatype } : {}) } }],
  };
  const { body, headerLength } = encodeBody(header, [image]);
  return { body, headers: { 'Content-Type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH]: String(headerLength) } };
}

export interface ChildServer {
  readonly url: string;
  readonly process: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Starts `node main.cjs args` and waits for its "listening on" line. */
export function startChild(main: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [main, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1], process: child, stderr: () => err, exited });
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${err}`)));
  });
}

/** Resident memory of a process in MiB (Linux). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) / 1024;
}
