import type { ModelManifest } from '../pipeline/manifestTypes';
import { checkEmbedding } from '../pipeline/predictor';
import type { Tensor } from '../pipeline/tensor';
import { OipFormatError, parseHeaderLength, readFloat32, readUint16, sliceTensors, splitBody } from './oipBinary';
import { OipError } from './oipErrors';
import { float16ToFloat32 } from './oipFloat16';
import { BINARY_DATA_SIZE, elementCount, INFERENCE_HEADER_CONTENT_LENGTH, type OipResponseOutput } from './oipProtocol';

function bad(message: string): never {
  throw new OipError('bad-response', `the inference service's answer ${message}`);
}

function isOutput(v: unknown): v is OipResponseOutput {
  const o = v as OipResponseOutput | null;
  return !!o && typeof o === 'object' && typeof o.name === 'string' && typeof o.datatype === 'string' && Array.isArray(o.shape);
}

function binarySize(o: OipResponseOutput): number | undefined {
  const size = o.parameters?.[BINARY_DATA_SIZE];
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) bad(`gives output "${o.name}" an invalid ${BINARY_DATA_SIZE}`);
  return size;
}

function jsonValues(o: OipResponseOutput, count: number): Float32Array {
  const data = o.data;
  if (!Array.isArray(data)) bad(`has neither binary nor JSON data for output "${o.name}"`);
  const flat = (data as unknown[]).flat(Infinity);
  if (flat.length !== count || !flat.every((v) => typeof v === 'number')) bad(`holds ${flat.length} values for output "${o.name}", expected ${count} numbers`);
  return Float32Array.from(flat as number[]);
}

/**
 * Reads the embedding out of an inference response (binary or JSON), converting FP16 to float32, and
 * refuses anything whose name, type, shape or byte count is off: a wrong embedding must never reach the
 * decoder silently.
 */
export function decodeEmbedding(body: Uint8Array, headers: Headers, outputName: string, manifest: ModelManifest): Tensor {
  let json: unknown;
  let binary: Uint8Array;
  try {
    ({ json, binary } = splitBody(body, parseHeaderLength(headers.get(INFERENCE_HEADER_CONTENT_LENGTH), body.byteLength)));
  } catch (e) {
    if (e instanceof OipFormatError) bad(`cannot be read: ${e.message}`);
    throw e;
  }
  const outputs = (json as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs) || !outputs.every(isOutput)) bad('has no "outputs" list of tensors');
  const sizes = outputs.map(binarySize);
  let chunks: Uint8Array[];
  try {
    chunks = sliceTensors(binary, sizes.filter((s): s is number => s !== undefined));
  } catch (e) {
    bad(`has inconsistent binary data: ${e instanceof Error ? e.message : String(e)}`);
  }
  const index = outputs.findIndex((o) => o.name === outputName);
  if (index < 0) bad(`has no output "${outputName}" (got ${outputs.map((o) => o.name).join(', ') || 'none'})`);
  const out = outputs[index];
  const dims = manifest.embeddingDims;
  if (out.shape.join() !== dims.join()) bad(`gives "${outputName}" shape [${out.shape.join(', ')}], expected [${dims.join(', ')}]`);
  if (out.datatype !== 'FP32' && out.datatype !== 'FP16') bad(`gives "${outputName}" datatype ${out.datatype}, expected FP32 or FP16`);
  const count = elementCount(dims);
  let data: Float32Array;
  if (sizes[index] !== undefined) {
    const chunk = chunks[sizes.slice(0, index).filter((s) => s !== undefined).length];
    const width = out.datatype === 'FP32' ? 4 : 2;
    if (chunk.byteLength !== count * width) bad(`sends ${chunk.byteLength} bytes for "${outputName}", ${out.datatype} [${dims.join(', ')}] needs ${count * width}`);
    data = out.datatype === 'FP32' ? readFloat32(chunk) : float16ToFloat32(readUint16(chunk));
  } else {
    if (out.datatype === 'FP16') bad(`sends FP16 "${outputName}" as JSON numbers, which the protocol leaves undefined`);
    data = jsonValues(out, count);
  }
  return checkEmbedding({ type: 'float32', dims: [...dims], data }, manifest);
}
