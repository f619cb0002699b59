/**
 * The Open Inference Protocol v2 (KServe v2 / Triton HTTP) as our server and client use it: JSON shapes,
 * datatype sizes and the parameter names of the binary tensor data extension. Shared by server and client
 * so both sides agree on every spelling.
 */

export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

/** Bytes per element in the binary encoding; BYTES is variable-length and absent here. */
export const OIP_DATATYPE_SIZE: Readonly<Record<Exclude<OipDatatype, 'BYTES'>, number>> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
};

export type OipParameterValue = string | number | boolean;
export type OipParameters = Readonly<Record<string, OipParameterValue>>;

export interface OipServerMetadata {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

/** Shapes use -1 for variable-size dimensions. */
export interface OipTensorMetadata {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

export interface OipModelMetadata {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly OipTensorMetadata[];
  readonly outputs: readonly OipTensorMetadata[];
}

export interface OipRequestInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: OipParameters;
  /** Absent when the tensor travels as binary data after the JSON header. */
  readonly data?: unknown;
}

export interface OipRequestOutput {
  readonly name: string;
  readonly parameters?: OipParameters;
}

export interface OipInferRequest {
  readonly id?: string;
  readonly parameters?: OipParameters;
  readonly inputs: readonly OipRequestInput[];
  readonly outputs?: readonly OipRequestOutput[];
}

export interface OipResponseOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: OipParameters;
  readonly data?: readonly number[];
}

export interface OipInferResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: OipParameters;
  readonly outputs: readonly OipResponseOutput[];
}

export interface OipErrorResponse {
  readonly error: string;
  /** Our server's machine-readable reason where a client should react to it (see EMBEDDING_NOT_CACHED). */
  readonly error_code?: string;
}

/** HTTP header giving the JSON header's length when binary tensor data follows it (case-insensitive). */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'Inference-Header-Content-Length';

/** Binary tensor data extension parameters. */
export const BINARY_DATA_SIZE = 'binary_data_size';
export const BINARY_DATA = 'binary_data';
export const BINARY_DATA_OUTPUT = 'binary_data_output';
/** Server metadata extension name that Triton and our server report for the binary extension. */
export const BINARY_TENSOR_DATA_EXTENSION = 'binary_tensor_data';

/**
 * Our server's own extension (advertised in server metadata): a requested output may ask for another
 * float width with the parameter "datatype" ("FP16" or "FP32"), or the request for all outputs with
 * "output_datatype". Clients only send it to servers that advertise it, so Triton never sees it.
 */
export const OUTPUT_DATATYPE_EXTENSION = 'medsam_output_datatype';
export const OUTPUT_DATATYPE = 'datatype';
export const REQUEST_OUTPUT_DATATYPE = 'output_datatype';

/** Element count of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Our server's embedding cache (advertised in server metadata as this extension): every encoder answer carries
 * `embedding_id` (a content key: model + input bytes) in its `parameters`, and the
 * embedding stays in a bounded cache on the server. The request parameter `embedding_output: false` leaves the
 * embedding itself out of the answer (`outputs` is then empty). The decoder is served as a second model,
 * `<encoder model>-decoder`, whose requests carry the prompt tensors and `embedding_id` as a request parameter.
 */
export const EMBEDDING_CACHE_EXTENSION = 'medsam_embedding_cache';
export const EMBEDDING_ID = 'embedding_id';
export const EMBEDDING_OUTPUT = 'embedding_output';
/** The served decoder's name: the encoder model's name with this suffix. */
export const DECODER_MODEL_SUFFIX = '-decoder';
/**
 * `error_code` beside `error` in a 404 answer of the decoder model: the embedding is not (or no longer) in
 * the server's cache. Clients recognise it and encode again (or decode elsewhere); never a wrong mask.
 */
export const ERROR_CODE = 'error_code';
export const EMBEDDING_NOT_CACHED = 'embedding_not_cached';
