import { compactInputProblem } from '../pipeline/compactInput';
import type { ModelManifest } from '../pipeline/manifestTypes';
import type { ImageEncoder, PreparedImage } from '../pipeline/predictor';
import type { Tensor } from '../pipeline/tensor';
import { encodeBody, parseHeaderLength, splitBody } from './oipBinary';
import { parseModelMetadata, parseServerMetadata, resolveContract, type ServiceContract } from './oipContract';
import { OipError } from './oipErrors';
import { oipFetch, statusError, type OipHttpResponse } from './oipHttp';
import {
  BINARY_DATA,
  BINARY_DATA_OUTPUT,
  BINARY_DATA_SIZE,
  EMBEDDING_CACHE_EXTENSION,
  EMBEDDING_ID,
  EMBEDDING_OUTPUT,
  INFERENCE_HEADER_CONTENT_LENGTH,
  OUTPUT_DATATYPE,
  type OipInferRequest,
} from './oipProtocol';
import { decodeEmbedding } from './oipResponse';

export interface OipEncoderOptions {
  /** Base URL of the service, e.g. "http://127.0.0.1:8000" or "https://host/triton" (a path prefix is kept). */
  readonly url: string;
  /** The model's name on the service (Triton: the repository folder, e.g. "medsam_encoder"); default: the manifest's name. */
  readonly model?: string;
  /** A specific model version; default: the service's choice. */
  readonly version?: string;
  /** Sent as "Authorization: Bearer <token>". */
  readonly token?: string;
  /**
   * Wire datatype of the embedding. "FP16" (default) halves the download where the service can convert
   * (our server) or serves FP16 itself; otherwise the client quietly takes FP32. Either way the embedding
   * it returns is float32.
   */
  readonly output?: 'FP16' | 'FP32';
  /** Per request, including the wait in the service's queue; default 120 s (a ViT-B run on CPU takes seconds). */
  readonly timeoutMs?: number;
  /** For the readiness check; default 5 s, so an "auto" backend choice does not hang on a dead service. */
  readonly readyTimeoutMs?: number;
}

/** An ImageEncoder backed by an Open Inference Protocol v2 service (our embedding server or Triton/KServe). */
export interface OipImageEncoder extends ImageEncoder {
  /** True when the model is ready and fits the MedSAM contract; never throws (for "auto" backend choice). */
  isReady(signal?: AbortSignal): Promise<boolean>;
  /** The same check, throwing an OipError that says what is wrong. */
  checkReady(signal?: AbortSignal): Promise<void>;
  /** Whether the service keeps the embeddings it computes (our server's medsam_embedding_cache extension). */
  keepsEmbeddings(signal?: AbortSignal): Promise<boolean>;
  /**
   * Encodes on the service and leaves the embedding there: only its id comes back (a few hundred bytes instead
   * of megabytes), for the service's decoder (oipDecoder). Needs keepsEmbeddings().
   */
  encodeKept(prepared: PreparedImage, signal?: AbortSignal): Promise<string>;
}

const json = (res: OipHttpResponse) => splitBody(res.body, undefined).json;

export function oipEncoder(options: OipEncoderOptions, manifest: ModelManifest): OipImageEncoder {
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const model = options.model ?? manifest.name;
  const modelPath = `v2/models/${encodeURIComponent(model)}${options.version ? `/versions/${encodeURIComponent(options.version)}` : ''}`;
  const url = (path: string) => new URL(path, base).toString();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
  const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  let contract: Promise<ServiceContract> | undefined;

  async function get(path: string, what: string, signal: AbortSignal | undefined, ms: number): Promise<OipHttpResponse> {
    const res = await oipFetch({ url: url(path), method: 'GET', headers: auth, timeoutMs: ms, signal, what });
    if (res.status !== 200) throw statusError(res, url(path), what);
    return res;
  }

  /** Metadata is read once and cached; a failure is not cached, so a service that comes up later works. */
  function serviceContract(signal: AbortSignal | undefined, ms: number): Promise<ServiceContract> {
    contract ??= (async () => {
      const [serverRes, modelRes] = await Promise.all([
        get('v2', 'server metadata', signal, ms),
        get(modelPath, 'model metadata', signal, ms),
      ]);
      let metadata;
      try {
        metadata = parseModelMetadata(json(modelRes), `the metadata of model "${model}"`);
      } catch (e) {
        throw e instanceof OipError ? e : new OipError('bad-response', `the metadata of model "${model}" is not JSON`);
      }
      let server;
      try {
        server = parseServerMetadata(json(serverRes));
      } catch {
        server = undefined; // optional: only tells whether the server converts to FP16
      }
      return resolveContract(metadata, server, manifest);
    })();
    contract.catch(() => (contract = undefined));
    return contract;
  }

  async function checkReady(signal?: AbortSignal): Promise<void> {
    const res = await oipFetch({ url: url(`${modelPath}/ready`), method: 'GET', headers: auth, timeoutMs: readyTimeoutMs, signal, what: 'model readiness' });
    if (res.status === 401 || res.status === 403 || res.status === 404) throw statusError(res, url(`${modelPath}/ready`), 'model readiness');
    if (res.status !== 200) throw new OipError('not-ready', `model "${model}" at ${base} is not ready (HTTP ${res.status})`, { status: res.status });
    await serviceContract(signal, readyTimeoutMs);
  }

  function inputOf(prepared: PreparedImage): Tensor {
    const t = prepared.encoderInput;
    const problem = t.type !== 'uint8' ? `it is ${t.type}` : compactInputProblem(t.dims, manifest.profile, manifest.inputSize);
    if (problem) {
      throw new OipError(
        'incompatible',
        `the inference service takes the compact uint8 image, but the prepared image is ${t.type} [${t.dims.join(', ')}] (${problem}): prepare it with a manifest whose encoder.inputFormat is "uint8-hw"`,
      );
    }
    return t;
  }

  return {
    checkReady,
    async isReady(signal) {
      try {
        await checkReady(signal);
        return true;
      } catch (e) {
        if (signal?.aborted) throw e;
        return false;
      }
    },
    async keepsEmbeddings(signal) {
      return (await serviceContract(signal, readyTimeoutMs)).keepsEmbeddings;
    },
    async encode(prepared, signal) {
      const input = inputOf(prepared);
      const c = await serviceContract(signal, timeoutMs);
      const wantFp16 = (options.output ?? 'FP16') === 'FP16' && c.outputDatatype === 'FP32' && c.canConvertOutput;
      const request: OipInferRequest = {
        parameters: { [BINARY_DATA_OUTPUT]: true },
        inputs: [{ name: c.inputName, shape: [...input.dims], datatype: 'UINT8', parameters: { [BINARY_DATA_SIZE]: input.data.byteLength } }],
        outputs: [{ name: c.outputName, parameters: { [BINARY_DATA]: true, ...(wantFp16 ? { [OUTPUT_DATATYPE]: 'FP16' } : {}) } }],
      };
      const res = await infer(request, input, signal);
      return decodeEmbedding(res.body, res.headers, c.outputName, manifest);
    },
    async encodeKept(prepared, signal) {
      const input = inputOf(prepared);
      const c = await serviceContract(signal, timeoutMs);
      if (!c.keepsEmbeddings) throw new OipError('incompatible', `the inference service at ${base} does not keep embeddings (no ${EMBEDDING_CACHE_EXTENSION} extension)`);
      const request: OipInferRequest = {
        parameters: { [EMBEDDING_OUTPUT]: false },
        inputs: [{ name: c.inputName, shape: [...input.dims], datatype: 'UINT8', parameters: { [BINARY_DATA_SIZE]: input.data.byteLength } }],
      };
      const res = await infer(request, input, signal);
      return embeddingIdOf(res.body, res.headers);
    },
  };

  async function infer(request: OipInferRequest, input: Tensor, signal: AbortSignal | undefined): Promise<OipHttpResponse> {
    const { body, headerLength } = encodeBody(request, [input.data as Uint8Array]);
    const inferUrl = url(`${modelPath}/infer`);
    const res = await oipFetch({
      url: inferUrl,
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH]: String(headerLength) },
      body,
      timeoutMs,
      signal,
      what: 'inference',
    });
    if (res.status !== 200) throw statusError(res, inferUrl, 'inference');
    return res;
  }
}

/** The `embedding_id` parameter of an encoder answer (our server with its embedding cache). */
function embeddingIdOf(body: Uint8Array, headers: Headers): string {
  let parsed: unknown;
  try {
    parsed = splitBody(body, parseHeaderLength(headers.get(INFERENCE_HEADER_CONTENT_LENGTH), body.byteLength)).json;
  } catch {
    throw new OipError('bad-response', "the inference service's answer cannot be read");
  }
  const id = (parsed as { parameters?: Record<string, unknown> } | null)?.parameters?.[EMBEDDING_ID];
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) throw new OipError('bad-response', `the inference service's answer names no kept embedding (parameter "${EMBEDDING_ID}")`);
  return id;
}
