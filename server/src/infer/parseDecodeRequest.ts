import { OipFormatError, readFloat32, sliceTensors } from '@medsam-ohif/core/src/runtimes/oipBinary';
import { BINARY_DATA, BINARY_DATA_OUTPUT, BINARY_DATA_SIZE, elementCount, EMBEDDING_ID, OUTPUT_DATATYPE, REQUEST_OUTPUT_DATATYPE } from '@medsam-ohif/core/src/runtimes/oipProtocol';
import type { ServedDecoder } from '../models/servedDecoder';
import type { PromptTensor } from '../workers/protocol';
import { bad, flag, isObject, parameters, readRequestEnvelope } from './parseInferRequest';

/** A checked decoder request: which embedding, the prompt tensors by name, how the logits come back. */
export interface DecodeCall {
  readonly id?: string;
  readonly embeddingId: string;
  readonly prompt: Readonly<Record<string, PromptTensor>>;
  readonly binaryOutput: boolean;
}

/** More points than any box prompt needs; keeps a request from asking for a huge decoder run. */
const MAX_POINTS = 64;
const ID_PATTERN = /^[0-9a-f]{64}$/;

interface Declared {
  readonly name: string;
  readonly dims: number[];
  readonly binarySize?: number;
  readonly data?: unknown;
}

function declared(input: unknown, i: number, decoder: ServedDecoder): Declared {
  const where = `inputs[${i}]`;
  if (!isObject(input)) bad(`${where} must be an object with name, shape, datatype and data`);
  const takes = decoder.inputs.map((p) => `${p.name} FP32 [${p.shape.join(', ')}]`).join(', ');
  const spec = decoder.inputs.find((p) => p.name === input.name);
  if (!spec) bad(`model "${decoder.name}" has no input ${JSON.stringify(input.name)}; it takes ${takes}`);
  if (input.datatype !== 'FP32') bad(`input "${spec.name}" has datatype ${JSON.stringify(input.datatype)}; the model takes ${takes}`);
  const shape = input.shape;
  const fits =
    Array.isArray(shape) &&
    shape.length === spec.shape.length &&
    shape.every((d, k) => Number.isSafeInteger(d) && (spec.shape[k] === -1 ? d >= 1 && d <= MAX_POINTS : d === spec.shape[k]));
  if (!fits) bad(`input "${spec.name}" has shape ${JSON.stringify(shape)}; the model takes FP32 [${spec.shape.join(', ')}] (at most ${MAX_POINTS} points)`);
  const dims = shape as number[];
  const params = parameters(input.parameters, where);
  const size = params[BINARY_DATA_SIZE];
  if (size === undefined) {
    if (input.data === undefined) bad(`input "${spec.name}" has no data (give "data", or binary data with ${BINARY_DATA_SIZE})`);
    return { name: spec.name, dims, data: input.data };
  }
  if (input.data !== undefined) bad(`input "${spec.name}" has both "data" and ${BINARY_DATA_SIZE}; give one`);
  if (size !== elementCount(dims) * 4) bad(`input "${spec.name}" declares ${String(size)} bytes of binary data; FP32 [${dims.join(', ')}] is ${elementCount(dims) * 4} bytes`);
  return { name: spec.name, dims, binarySize: size };
}

function jsonValues(d: Declared): Float32Array {
  if (!Array.isArray(d.data)) bad(`input "${d.name}" data must be an array of numbers`);
  const flat: unknown[] = d.data.flat(d.dims.length - 1);
  const count = elementCount(d.dims);
  if (flat.length !== count) bad(`input "${d.name}" has ${flat.length} values; shape [${d.dims.join(', ')}] needs ${count}`);
  return Float32Array.from(flat, (v, k) => (typeof v === 'number' ? v : bad(`input "${d.name}" value ${k} is ${JSON.stringify(v)?.slice(0, 20)}, not a number`)));
}

function outputsBinary(v: unknown, fallback: boolean, decoder: ServedDecoder): boolean {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return fallback;
  if (!Array.isArray(v) || v.length !== 1) bad(`"outputs", when given, lists the one output "${decoder.output.name}"`);
  const o: unknown = v[0];
  if (!isObject(o) || o.name !== decoder.output.name) bad(`model "${decoder.name}" has no output ${JSON.stringify(isObject(o) ? o.name : o)}; it returns "${decoder.output.name}"`);
  const params = parameters(o.parameters, 'outputs[0]');
  const datatype = params[OUTPUT_DATATYPE];
  if (datatype !== undefined && datatype !== 'FP32') bad(`output "${decoder.output.name}" comes as FP32 only (the decoder's own logits, unrounded)`);
  return flag(params, BINARY_DATA, 'outputs[0]') ?? fallback;
}

/**
 * Body (+ Inference-Header-Content-Length) → DecodeCall for the decoder model: every prompt input exactly
 * once, FP32, the declared shapes (one number of points across point inputs), finite values, and the
 * `embedding_id` request parameter. Anything else is a 400 that names the field.
 */
export function parseDecodeRequest(body: Uint8Array, headerLengthValue: string | undefined, decoder: ServedDecoder): DecodeCall {
  const { json, binary, headerLength, params } = readRequestEnvelope(body, headerLengthValue);
  const embeddingId = params[EMBEDDING_ID];
  if (typeof embeddingId !== 'string' || !ID_PATTERN.test(embeddingId)) {
    bad(`model "${decoder.name}" needs the request parameter "${EMBEDDING_ID}": the id an answer of model "${decoder.encoder.name}" gave (64 hex digits)`);
  }
  if (params[REQUEST_OUTPUT_DATATYPE] !== undefined && params[REQUEST_OUTPUT_DATATYPE] !== 'FP32') bad(`model "${decoder.name}" answers FP32 only`);
  const inputs = json.inputs;
  if (!Array.isArray(inputs)) bad('"inputs" must be a list of tensors');
  const given = inputs.map((t, i) => declared(t, i, decoder));
  for (const p of decoder.inputs) {
    const n = given.filter((g) => g.name === p.name).length;
    if (n !== 1) bad(`model "${decoder.name}" takes input "${p.name}" exactly once, got it ${n} times`);
  }
  const points = new Set(given.filter((g) => decoder.inputs.find((p) => p.name === g.name)!.shape.includes(-1)).map((g) => g.dims[1]));
  if (points.size > 1) bad(`the point inputs disagree on the number of points (${[...points].join(' vs ')})`);
  const sizes = given.filter((g) => g.binarySize !== undefined).map((g) => g.binarySize!);
  if (sizes.length > 0 && headerLength === undefined) bad('inputs declare binary data, but the Inference-Header-Content-Length header is missing');
  let chunks: Uint8Array[];
  try {
    chunks = sliceTensors(binary, sizes);
  } catch (e) {
    if (e instanceof OipFormatError) bad(e.message);
    throw e;
  }
  const prompt: Record<string, PromptTensor> = {};
  let next = 0;
  for (const g of given) {
    const data = g.binarySize !== undefined ? readFloat32(chunks[next++]) : jsonValues(g);
    if (!data.every(Number.isFinite)) bad(`input "${g.name}" holds a value that is not a finite number`);
    prompt[g.name] = { dims: g.dims, data };
  }
  const binaryOutput = outputsBinary(json.outputs, flag(params, BINARY_DATA_OUTPUT, 'request') ?? false, decoder);
  return { ...(json.id !== undefined ? { id: json.id } : {}), embeddingId, prompt, binaryOutput };
}
