/** Decodes one compressed frame (JPEG 2000, JPEG-LS, JPEG baseline) with the WASM codecs. */
import { codec, codecLabel, type CodecName, type CodecFrameInfo } from './wasmCodecs';
import { imageError } from './errors';

export interface DecodedFrame {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  /** Decoded samples, pixel-interleaved when there are several components. */
  readonly values: Uint8Array | Int8Array | Uint16Array | Int16Array;
}

function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'number') return `native exception ${thrown}`;
  return String(thrown);
}

function typedSamples(bytes: Uint8Array, info: CodecFrameInfo): DecodedFrame['values'] {
  const copy = new Uint8Array(bytes); // copy out of WASM memory, which the next decode may reuse or grow
  const signed = info.isSigned === true;
  if (info.bitsPerSample <= 8) return signed ? new Int8Array(copy.buffer) : copy;
  if (info.bitsPerSample <= 16) return signed ? new Int16Array(copy.buffer) : new Uint16Array(copy.buffer);
  throw imageError(`${info.bitsPerSample}-bit samples from the codec are not supported`);
}

/** CharLS hands back planar data for interleave mode 0; everything else is pixel-interleaved. */
function interleave(values: DecodedFrame['values'], components: number): DecodedFrame['values'] {
  const pixels = values.length / components;
  const out = new (values.constructor as new (n: number) => DecodedFrame['values'])(values.length);
  for (let c = 0; c < components; c++) {
    for (let p = 0; p < pixels; p++) out[p * components + c] = values[c * pixels + p];
  }
  return out;
}

export function decodeWithCodec(name: CodecName, encoded: Uint8Array): DecodedFrame {
  const { create, takeMessages } = codec(name);
  takeMessages();
  const decoder = create();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (!(info.width > 0 && info.height > 0 && info.componentCount > 0)) {
      throw new Error('the codec produced no image (corrupt or truncated codestream)');
    }
    let values = typedSamples(decoder.getDecodedBuffer(), info);
    const expected = info.width * info.height * info.componentCount;
    if (values.length !== expected) {
      throw new Error(`decoded ${values.length} samples, expected ${expected}`);
    }
    if (info.componentCount > 1 && decoder.getInterleaveMode && decoder.getInterleaveMode() === 0) {
      values = interleave(values, info.componentCount);
    }
    return { width: info.width, height: info.height, components: info.componentCount, values };
  } catch (thrown) {
    const printed = takeMessages().filter((line) => /error/i.test(line));
    const detail = [describeThrown(thrown), ...printed].join('; ');
    throw imageError(`${codecLabel(name)} decoding failed: ${detail}`);
  } finally {
    decoder.delete();
  }
}
