import type { ModelSession } from '../pipeline/backend';
import type { ModelManifest } from '../pipeline/manifestTypes';
import type { Tensor } from '../pipeline/tensor';
import { encodeBody, OipFormatError, parseHeaderLength, readFloat32, sliceTensors, splitBody } from './oipBinary';
import { parseModelMetadata, parseServerMetadata } from './oipContract';
import { OipError } from './oipErrors';
import { oipFetch, statusError, type OipHttpResponse } from './oipHttp';
import {
  BINARY_DATA,
  BINARY_DATA_OUTPUT,
  BINARY_DATA_SIZE,
  DECODER_MODEL_SUFFIX,
  elementCount,
  EMBEDDING_CACHE_EXTENSION,
  EMBEDDING_ID,
  INFERENCE_HEADER_CONTENT_LENGTH,
  type OipInferRequest,
  type OipModelMetadata,
  type OipResponseOutput,
} from './oipProtocol';

export interface OipDecoderOptions {
  /** Base URL of the service (as for oipEncoder). */
  readonly url: string;
  /** The encoder's name on the service; default: the manifest's name. */
  readonly model?: string;
  /** The decoder's name on the service; default: `<model>-decoder`, as our server names it. */
  readonly decoderModel?: string;
  readonly token?: string;
  /** Per decode; default 30 s (a decode takes milliseconds, the rest is the queue). */
  readonly timeoutMs?: number;
  /** For the availability check; default 5 s. */
  readonly readyTimeoutMs?: number;
}

/** The MedSAM decoder on an inference service, on embeddings the service kept (oipEncoder's encodeKept). */
export interface OipServiceDecoder {
  /** Throws an OipError that says why boxes cannot be decoded there (no embedding cache, no decoder, wrong contract). */
  checkAvailable(signal?: AbortSignal): Promise<void>;
  /** The same check as a yes/no; never throws except for the caller's abort. */
  isAvailable(signal?: AbortSignal): Promise<boolean>;
  /**
   * The decoder as a ModelSession bound to one kept embedding, for decodeModelBox with embedding null: run()
   * sends the prompt feeds the served decoder lists (no embedding, no mask prompt) and returns its logits.
   * A service that no longer holds the embedding fails with OipError "embedding-gone".
   */
  session(embeddingId: string, signal?: AbortSignal): ModelSession;
}

interface DecoderContract {
  readonly inputs: readonly string[];
  readonly outputName: string;
}

const json = (res: OipHttpResponse) => splitBody(res.body, undefined).json;

/** The served decoder must take only prompt inputs (FP32) and give FP32 low-res logits [1, K, L, L]. */
function resolveDecoderContract(meta: OipModelMetadata, manifest: ModelManifest): DecoderContract {
  const where = `decoder model "${meta.name}" on the inference service`;
  const spec = manifest.decoder;
  if (meta.inputs.some((i) => i.name === spec.inputs.embedding)) {
    throw new OipError(
      'incompatible',
      `${where} takes the embedding "${spec.inputs.embedding}" itself (a server without an embedding cache, e.g. Triton): every box would send the embedding, which costs more than decoding here`,
    );
  }
  const { embedding, maskInput, hasMaskInput, ...promptNames } = spec.inputs;
  void embedding;
  void maskInput;
  void hasMaskInput;
  const allowed = new Set(Object.values(promptNames).filter((n): n is string => typeof n === 'string'));
  const wrong = meta.inputs.filter((i) => !allowed.has(i.name) || i.datatype !== 'FP32');
  if (wrong.length || meta.inputs.length === 0) {
    throw new OipError('incompatible', `${where} takes ${meta.inputs.map((i) => `${i.name} ${i.datatype}`).join(', ') || 'nothing'}; the client sends FP32 ${[...allowed].join(', ')}`);
  }
  const out = meta.outputs.length === 1 ? meta.outputs[0] : meta.outputs.find((o) => o.name === spec.outputs.lowResLogits);
  const low = manifest.lowResSize;
  const fits = out && out.datatype === 'FP32' && out.shape.length === 4 && [1, -2, low, low].every((d, k) => d === -2 || out.shape[k] === d || out.shape[k] === -1);
  if (!out || !fits) throw new OipError('incompatible', `${where} does not return the low-res logits FP32 [1, K, ${low}, ${low}] as "${spec.outputs.lowResLogits}"`);
  return { inputs: meta.inputs.map((i) => i.name), outputName: out.name };
}

function bad(message: string): never {
  throw new OipError('bad-response', `the inference service's decoder answer ${message}`);
}

/** The logits out of a decoder answer (binary FP32), checked against the manifest's low-res size. */
function readLogits(res: OipHttpResponse, name: string, manifest: ModelManifest): Tensor {
  let parsed: unknown;
  let binary: Uint8Array;
  try {
    ({ json: parsed, binary } = splitBody(res.body, parseHeaderLength(res.headers.get(INFERENCE_HEADER_CONTENT_LENGTH), res.body.byteLength)));
  } catch (e) {
    if (e instanceof OipFormatError) bad(`cannot be read: ${e.message}`);
    throw e;
  }
  const outputs = (parsed as { outputs?: OipResponseOutput[] } | null)?.outputs;
  if (!Array.isArray(outputs) || outputs.length !== 1 || outputs[0]?.name !== name) bad(`does not hold the one output "${name}"`);
  const out = outputs[0];
  const dims = out.shape;
  const low = manifest.lowResSize;
  if (out.datatype !== 'FP32' || !Array.isArray(dims) || dims.length !== 4 || dims[0] !== 1 || dims[2] !== low || dims[3] !== low || !(dims[1] >= 1)) {
    bad(`gives "${name}" as ${String(out.datatype)} [${String(dims)}], expected FP32 [1, K, ${low}, ${low}]`);
  }
  const size = out.parameters?.[BINARY_DATA_SIZE];
  let data: Float32Array;
  if (typeof size === 'number') {
    let chunk: Uint8Array;
    try {
      [chunk] = sliceTensors(binary, [size]);
    } catch (e) {
      bad(e instanceof Error ? e.message : String(e));
    }
    if (chunk.byteLength !== elementCount(dims) * 4) bad(`sends ${chunk.byteLength} bytes for "${name}", FP32 [${dims.join(', ')}] needs ${elementCount(dims) * 4}`);
    data = readFloat32(chunk);
  } else {
    const values = Array.isArray(out.data) ? (out.data as unknown[]).flat(Infinity) : [];
    if (values.length !== elementCount(dims) || !values.every((v) => typeof v === 'number')) bad(`holds no ${elementCount(dims)} numbers for "${name}"`);
    data = Float32Array.from(values as number[]);
  }
  return { type: 'float32', dims: [...dims], data };
}

export function oipDecoder(options: OipDecoderOptions, manifest: ModelManifest): OipServiceDecoder {
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const name = options.decoderModel ?? `${options.model ?? manifest.name}${DECODER_MODEL_SUFFIX}`;
  const modelPath = `v2/models/${encodeURIComponent(name)}`;
  const url = (path: string) => new URL(path, base).toString();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
  const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  let contract: Promise<DecoderContract> | undefined;

  async function get(path: string, what: string, signal: AbortSignal | undefined): Promise<OipHttpResponse> {
    const res = await oipFetch({ url: url(path), method: 'GET', headers: auth, timeoutMs: readyTimeoutMs, signal, what });
    if (res.status !== 200) throw statusError(res, url(path), what);
    return res;
  }

  function decoderContract(signal: AbortSignal | undefined): Promise<DecoderContract> {
    contract ??= (async () => {
      const [serverRes, modelRes] = await Promise.all([get('v2', 'server metadata', signal), get(modelPath, 'decoder metadata', signal)]);
      let server;
      try {
        server = parseServerMetadata(json(serverRes));
      } catch {
        server = undefined;
      }
      if (!server?.extensions.includes(EMBEDDING_CACHE_EXTENSION)) {
        throw new OipError('incompatible', `the inference service at ${base} keeps no embeddings (no ${EMBEDDING_CACHE_EXTENSION} extension): its decoder would need the embedding with every box`);
      }
      let meta;
      try {
        meta = parseModelMetadata(json(modelRes), `the metadata of model "${name}"`);
      } catch (e) {
        throw e instanceof OipError ? e : new OipError('bad-response', `the metadata of model "${name}" is not JSON`);
      }
      return resolveDecoderContract(meta, manifest);
    })();
    contract.catch(() => (contract = undefined));
    return contract;
  }

  async function checkAvailable(signal?: AbortSignal): Promise<void> {
    const ready = await oipFetch({ url: url(`${modelPath}/ready`), method: 'GET', headers: auth, timeoutMs: readyTimeoutMs, signal, what: 'decoder readiness' });
    if (ready.status === 404) throw new OipError('incompatible', `the inference service at ${base} serves no decoder model "${name}"`, { status: 404 });
    if (ready.status === 401 || ready.status === 403) throw statusError(ready, url(`${modelPath}/ready`), 'decoder readiness');
    if (ready.status !== 200) throw new OipError('not-ready', `decoder model "${name}" at ${base} is not ready (HTTP ${ready.status})`, { status: ready.status });
    await decoderContract(signal);
  }

  return {
    checkAvailable,
    async isAvailable(signal) {
      try {
        await checkAvailable(signal);
        return true;
      } catch (e) {
        if (signal?.aborted) throw e;
        return false;
      }
    },
    session(embeddingId, signal) {
      const logitsName = manifest.decoder.outputs.lowResLogits;
      return {
        inputs: [],
        outputs: [{ name: logitsName }],
        async run(feeds) {
          const c = await decoderContract(signal);
          const request: OipInferRequest = {
            parameters: { [EMBEDDING_ID]: embeddingId, [BINARY_DATA_OUTPUT]: true },
            inputs: c.inputs.map((input) => {
              const t = feeds[input];
              if (!t || !(t.data instanceof Float32Array)) throw new OipError('incompatible', `the service's decoder takes "${input}", which the box's feeds do not give as float32`);
              return { name: input, shape: [...t.dims], datatype: 'FP32', data: Array.from(t.data) };
            }),
            outputs: [{ name: c.outputName, parameters: { [BINARY_DATA]: true } }],
          };
          const inferUrl = url(`${modelPath}/infer`);
          const res = await oipFetch({
            url: inferUrl,
            method: 'POST',
            headers: { ...auth, 'Content-Type': 'application/json' },
            body: encodeBody(request, []).body,
            timeoutMs,
            signal,
            what: 'decoder inference',
          });
          if (res.status !== 200) throw statusError(res, inferUrl, 'decoder inference');
          return { [logitsName]: readLogits(res, c.outputName, manifest) };
        },
        release: async () => undefined,
      };
    },
  };
}
