import { OipFormatError, parseHeaderLength, sliceTensors, splitBody } from '@medsam-ohif/core/src/runtimes/oipBinary';
import {
  BINARY_DATA,
  BINARY_DATA_OUTPUT,
  BINARY_DATA_SIZE,
  elementCount,
  EMBEDDING_OUTPUT,
  OUTPUT_DATATYPE,
  REQUEST_OUTPUT_DATATYPE,
} from '@medsam-ohif/core/src/runtimes/oipProtocol';
import { compactInputProblem } from '@medsam-ohif/core/src/pipeline/compactInput';
import { HttpError } from '../http/httpError';
import type { ServedModel } from '../models/servedModel';
import type { OutputDatatype } from '../workers/protocol';

export interface RequestedOutput {
  readonly name: string;
  readonly binary: boolean;
  readonly datatype: OutputDatatype;
}

/** A checked inference request: the image, and how the embedding should come back. */
export interface InferCall {
  readonly id?: string;
  readonly image: Uint8Array;
  /** The image's [rows, columns] (fixed [S, S], or the LiteMedSAM resized image's own size). */
  readonly dims: readonly [number, number];
  readonly outputs: readonly RequestedOutput[];
  /** false (request parameter `embedding_output`): the answer carries only the embedding id, no embedding. */
  readonly embeddingOutput: boolean;
}

export type Json = Record<string, unknown>;

export function bad(message: string): never {
  throw new HttpError(400, message);
}

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parameters(v: unknown, where: string): Json {
  if (v === undefined) return {};
  if (!isObject(v)) bad(`${where}.parameters must be an object`);
  for (const [k, p] of Object.entries(v)) {
    if (!['string', 'number', 'boolean'].includes(typeof p)) bad(`${where}.parameters.${k} must be a string, number or boolean`);
  }
  return v;
}

export function flag(params: Json, key: string, where: string): boolean | undefined {
  const v = params[key];
  if (v !== undefined && typeof v !== 'boolean') bad(`${where}.parameters.${key} must be true or false`);
  return v;
}

function floatType(params: Json, key: string, where: string): OutputDatatype | undefined {
  const v = params[key];
  if (v !== undefined && v !== 'FP32' && v !== 'FP16') bad(`${where}.parameters.${key} must be "FP32" or "FP16", got ${JSON.stringify(v)}`);
  return v;
}

interface InputSpec {
  readonly dims: readonly [number, number];
  readonly binarySize?: number;
  readonly data?: unknown;
}

function checkInput(input: unknown, model: ServedModel): InputSpec {
  const where = 'inputs[0]';
  if (!isObject(input)) bad(`${where} must be an object with name, shape, datatype and data`);
  const want = `${model.input.name} UINT8 [${model.input.shape.join(', ')}]`;
  if (input.name !== model.input.name) bad(`model "${model.name}" has no input ${JSON.stringify(input.name)}; it takes ${want}`);
  if (input.datatype !== 'UINT8') bad(`input "${model.input.name}" has datatype ${JSON.stringify(input.datatype)}; the model takes ${want}`);
  const shape = input.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`input "${model.input.name}" needs a shape of non-negative integers`);
  if (model.input.shape.every((d) => d >= 0)) {
    if (shape.join() !== model.input.shape.join()) bad(`input "${model.input.name}" has shape [${shape.join(', ')}]; the model takes ${want}`);
  } else {
    // Variable sides (LiteMedSAM's resized image before padding): the profile says which sizes are right.
    const problem = compactInputProblem(shape, model.manifest.profile, model.manifest.inputSize);
    if (problem) bad(`input "${model.input.name}" has shape [${shape.join(', ')}]; the model takes ${want}: ${problem}`);
  }
  const dims: [number, number] = [shape[0], shape[1]];
  const params = parameters(input.parameters, where);
  const size = params[BINARY_DATA_SIZE];
  if (size === undefined) {
    if (input.data === undefined) bad(`input "${model.input.name}" has no data (give "data", or binary data with ${BINARY_DATA_SIZE})`);
    return { dims, data: input.data };
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) bad(`${where}.parameters.${BINARY_DATA_SIZE} must be a byte count`);
  if (input.data !== undefined) bad(`input "${model.input.name}" has both "data" and ${BINARY_DATA_SIZE}; give one`);
  const needed = elementCount(dims);
  if (size !== needed) bad(`input "${model.input.name}" declares ${size} bytes of binary data; UINT8 [${dims.join(', ')}] is ${needed} bytes`);
  return { dims, binarySize: size };
}

function jsonImage(data: unknown, dims: readonly number[], model: ServedModel): Uint8Array {
  if (!Array.isArray(data)) bad(`input "${model.input.name}" data must be an array of integers 0–255`);
  const flat: unknown[] = data.flat(dims.length - 1);
  const count = elementCount(dims);
  if (flat.length !== count) bad(`input "${model.input.name}" has ${flat.length} values; shape [${dims.join(', ')}] needs ${count}`);
  const image = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
      bad(`input "${model.input.name}" value ${i} is ${JSON.stringify(v)?.slice(0, 20)}; UINT8 values are integers 0–255`);
    }
    image[i] = v;
  }
  return image;
}

function requestedOutputs(v: unknown, defaults: { binary: boolean; datatype: OutputDatatype }, model: ServedModel): RequestedOutput[] {
  // Absent or empty: every output, with the request's defaults (the protocol's reading of "not specified").
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return [{ name: model.output.name, ...defaults }];
  if (!Array.isArray(v)) bad('"outputs", when given, must be a list');
  const seen = new Set<string>();
  return v.map((o: unknown, i) => {
    const where = `outputs[${i}]`;
    if (!isObject(o) || typeof o.name !== 'string') bad(`${where} must be an object with a name`);
    if (o.name !== model.output.name) bad(`model "${model.name}" has no output ${JSON.stringify(o.name)}; it returns "${model.output.name}"`);
    if (seen.has(o.name)) bad(`output "${o.name}" is requested twice`);
    seen.add(o.name);
    const params = parameters(o.parameters, where);
    return {
      name: o.name,
      binary: flag(params, BINARY_DATA, where) ?? defaults.binary,
      datatype: floatType(params, OUTPUT_DATATYPE, where) ?? defaults.datatype,
    };
  });
}

/** A request's JSON object (with a string id if any), its binary tensor bytes and its parameters, checked. */
export interface RequestEnvelope {
  readonly json: Json & { readonly id?: string };
  readonly binary: Uint8Array;
  readonly headerLength: number | undefined;
  readonly params: Json;
}

/** Body (+ Inference-Header-Content-Length) → the request's parts, for every model kind; a 400 names what is wrong. */
export function readRequestEnvelope(body: Uint8Array, headerLengthValue: string | undefined): RequestEnvelope {
  if (body.byteLength === 0) bad('the request body is empty; send an inference request object');
  let json: unknown;
  let binary: Uint8Array;
  let headerLength: number | undefined;
  try {
    headerLength = parseHeaderLength(headerLengthValue, body.byteLength);
    ({ json, binary } = splitBody(body, headerLength));
  } catch (e) {
    if (e instanceof OipFormatError) bad(e.message);
    throw e;
  }
  if (!isObject(json)) bad('the inference request must be a JSON object');
  if (json.id !== undefined && typeof json.id !== 'string') bad('"id" must be a string');
  return { json: json as Json & { id?: string }, binary, headerLength, params: parameters(json.parameters, 'request') };
}

/**
 * Body (+ Inference-Header-Content-Length) → InferCall. Every way a request can be wrong ends in a 400
 * that names the field; nothing here trusts a declared size without checking it against the bytes.
 */
export function parseInferRequest(body: Uint8Array, headerLengthValue: string | undefined, model: ServedModel): InferCall {
  const { json, binary, headerLength, params } = readRequestEnvelope(body, headerLengthValue);
  const inputs = json.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) bad('"inputs" must be a non-empty list of tensors');
  if (inputs.length > 1) bad(`model "${model.name}" takes exactly one input (${model.input.name}), got ${inputs.length}`);
  const spec = checkInput(inputs[0], model);
  if (spec.binarySize !== undefined && headerLength === undefined) {
    bad(`input "${model.input.name}" declares binary data, but the Inference-Header-Content-Length header is missing`);
  }
  let image: Uint8Array;
  try {
    image = spec.binarySize !== undefined ? sliceTensors(binary, [spec.binarySize])[0] : (sliceTensors(binary, []), jsonImage(spec.data, spec.dims, model));
  } catch (e) {
    if (e instanceof OipFormatError) bad(e.message);
    throw e;
  }
  const embeddingOutput = flag(params, EMBEDDING_OUTPUT, 'request') ?? true;
  if (!embeddingOutput && Array.isArray(json.outputs) && json.outputs.length > 0) {
    bad(`"${EMBEDDING_OUTPUT}": false asks for no output, but "outputs" lists some; give one or the other`);
  }
  const outputs = requestedOutputs(
    json.outputs,
    {
      binary: flag(params, BINARY_DATA_OUTPUT, 'request') ?? false,
      datatype: floatType(params, REQUEST_OUTPUT_DATATYPE, 'request') ?? 'FP32',
    },
    model,
  );
  for (const o of outputs) {
    if (o.datatype === 'FP16' && !o.binary) {
      bad(`output "${o.name}" as FP16 needs the binary tensor data extension ("${BINARY_DATA}": true): JSON has no FP16 numbers`);
    }
  }
  return { ...(json.id !== undefined ? { id: json.id } : {}), image, dims: spec.dims, outputs, embeddingOutput };
}
