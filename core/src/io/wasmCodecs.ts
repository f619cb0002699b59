/**
 * Loads the Cornerstone WASM image codecs (emscripten builds of OpenJPEG, CharLS, libjpeg-turbo) in Node,
 * synchronously, so that DICOM decoding can stay a plain function call.
 *
 * How: each package ships an emscripten factory (`<codec>wasm_decode.js`) and its `.wasm`. The factory
 * accepts a `Module` object; when that object has an `instantiateWasm(imports, receiveInstance)` hook, the
 * factory calls it instead of fetching the file, and if the hook hands back an instance at once the runtime
 * initialises before the factory returns: the embind classes (`J2KDecoder` ...) are then on the object we
 * passed in. Node compiles WASM of any size synchronously (`new WebAssembly.Module`), unlike browsers'
 * main threads. The factory's returned promise is ignored.
 *
 * Where the `.wasm` comes from, first hit wins:
 *   1. `$MEDSAM_WASM_DIR/<file>`;
 *   2. the package in node_modules (`require.resolve('<package>/decodewasm')`);
 *   3. `<file>` beside the running script (`__dirname`): for a bundled CLI with the `.wasm` files copied
 *      next to it.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { imageError } from './errors';

/** The embind decoder classes of the three codecs share this shape. */
export interface EmbindDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): CodecFrameInfo;
  delete(): void;
  /** CharLS only: 0 = planar (one component after another), 1 = line, 2 = sample interleaved. */
  getInterleaveMode?(): number;
}

export interface CodecFrameInfo {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly componentCount: number;
  /** Not reported by CharLS (JPEG-LS samples are unsigned). */
  readonly isSigned?: boolean;
}

export type CodecName = 'openjpeg' | 'charls' | 'libjpeg-turbo';

interface EmscriptenModuleArg {
  instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => unknown): unknown;
  print(text: string): void;
  printErr(text: string): void;
  [exported: string]: unknown;
}

type EmscriptenFactory = (moduleArg: EmscriptenModuleArg) => Promise<unknown>;

interface CodecSpec {
  readonly label: string;
  readonly className: string;
  readonly wasmFile: string;
  readonly wasmSpecifier: string;
  readonly loadFactory: () => unknown;
}

// Literal require() calls so that bundlers see (and may inline or externalise) the glue scripts.
const SPECS: Readonly<Record<CodecName, CodecSpec>> = {
  openjpeg: {
    label: 'JPEG 2000 (OpenJPEG)',
    className: 'J2KDecoder',
    wasmFile: 'openjpegwasm_decode.wasm',
    wasmSpecifier: '@cornerstonejs/codec-openjpeg/decodewasm',
    loadFactory: () => require('@cornerstonejs/codec-openjpeg/decodewasmjs'),
  },
  charls: {
    label: 'JPEG-LS (CharLS)',
    className: 'JpegLSDecoder',
    wasmFile: 'charlswasm_decode.wasm',
    wasmSpecifier: '@cornerstonejs/codec-charls/decodewasm',
    loadFactory: () => require('@cornerstonejs/codec-charls/decodewasmjs'),
  },
  'libjpeg-turbo': {
    label: 'JPEG baseline (libjpeg-turbo)',
    className: 'JPEGDecoder',
    wasmFile: 'libjpegturbowasm_decode.wasm',
    wasmSpecifier: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
    loadFactory: () => require('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
  },
};

interface LoadedCodec {
  readonly create: () => EmbindDecoder;
  /** Messages the C library printed since the last call (OpenJPEG reports its errors this way). */
  readonly takeMessages: () => string[];
}

const loaded = new Map<CodecName, LoadedCodec>();

export function findCodecWasm(name: CodecName): string {
  const spec = SPECS[name];
  const candidates: string[] = [];
  const dir = process.env.MEDSAM_WASM_DIR;
  if (dir) candidates.push(join(dir, spec.wasmFile));
  try {
    candidates.push(require.resolve(spec.wasmSpecifier));
  } catch {
    // not installed beside this script: try the next place
  }
  candidates.push(join(__dirname, spec.wasmFile));
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw imageError(
      `the ${spec.label} decoder's WebAssembly file ${spec.wasmFile} was not found (looked for ` +
        `${spec.wasmSpecifier} and in: ${candidates.join(', ')}); install the package or set MEDSAM_WASM_DIR`,
    );
  }
  return found;
}

function asFactory(value: unknown): EmscriptenFactory | undefined {
  if (typeof value === 'function') return value as EmscriptenFactory;
  if (value && typeof value === 'object' && typeof (value as { default?: unknown }).default === 'function') {
    return (value as { default: EmscriptenFactory }).default;
  }
  return undefined;
}

function load(name: CodecName): LoadedCodec {
  const spec = SPECS[name];
  const factory = asFactory(spec.loadFactory());
  if (!factory) throw new Error(`the ${spec.label} codec package did not export an emscripten factory`);
  const wasm = new WebAssembly.Module(readFileSync(findCodecWasm(name)));
  const messages: string[] = [];
  const moduleArg: EmscriptenModuleArg = {
    instantiateWasm: (imports, receive) => receive(new WebAssembly.Instance(wasm, imports)),
    print: (text) => messages.push(text),
    printErr: (text) => messages.push(text),
  };
  factory(moduleArg).catch(() => undefined); // failures surface below as a missing class
  const ctor = moduleArg[spec.className];
  if (typeof ctor !== 'function') {
    throw new Error(`the ${spec.label} codec did not initialise synchronously (no ${spec.className} class)`);
  }
  const DecoderClass = ctor as new () => EmbindDecoder;
  return {
    create: () => new DecoderClass(),
    takeMessages: () => messages.splice(0, messages.length),
  };
}

/** The codec, instantiated on first use and kept for the life of the process. */
export function codec(name: CodecName): LoadedCodec {
  let entry = loaded.get(name);
  if (!entry) {
    entry = load(name);
    loaded.set(name, entry);
  }
  return entry;
}

export function codecLabel(name: CodecName): string {
  return SPECS[name].label;
}
