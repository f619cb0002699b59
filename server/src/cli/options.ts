import { parseArgs } from 'node:util';
import { DEFAULTS, defaultConcurrency, defaultThreads, TOKEN_ENV, type ServerOptions } from '../config';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `medsam embedding server: the MedSAM image encoder on the Open Inference Protocol v2 (KServe v2)

Usage: npm run serve:embeddings -- --model <manifest.json> [--model <manifest.json> ...] [options]

  --model <path|url>      model manifest to serve (repeatable); the model is served under the manifest's name
  --host <address>        address to bind (default ${DEFAULTS.host}: this machine only)
  --port <n>              port (default ${DEFAULTS.port}; 0 picks a free one)
  --threads <n>           onnxruntime threads per run (default: cores / concurrency)
  --concurrency <n>       encoder runs at once, one worker thread each (default: 1 per 4 cores, at least 1)
  --queue <n>             requests that may wait for a run; more get 503 + Retry-After (default ${DEFAULTS.queue})
  --max-body-bytes <n>    largest request body; larger gets 413 (default ${DEFAULTS.maxBodyBytes})
  --timeout-ms <n>        per request, queue wait included; later gets 504 (default ${DEFAULTS.timeoutMs})
  --token <secret>        require "Authorization: Bearer <secret>" (except /v2/health/*); prefer the
                          ${TOKEN_ENV} environment variable, which stays out of process listings
  --cors-origin <origin>  browser origin allowed to call the service, e.g. http://localhost:3000
                          (repeatable; "*" allows any origin and must be given explicitly)
  --embedding-cache-mb <n>  MiB of computed embeddings kept so that each model's decoder, served as
                          "<name>-decoder", can decode boxes on them (default ${DEFAULTS.embeddingCacheBytes / 1024 / 1024}:
                          64 MedSAM embeddings); 0 serves the encoders only
  --help                  this text

Endpoints: GET /v2, /v2/health/live, /v2/health/ready, /v2/models/<name>, /v2/models/<name>/ready;
POST /v2/models/<name>/infer with input UINT8 [S, S] (JSON or the binary tensor data extension);
POST /v2/models/<name>-decoder/infer with the box prompt and the "embedding_id" an encoder answer gave.
SIGTERM/SIGINT: stop accepting, finish running work, exit.`;

export type ParsedCommand = { readonly kind: 'help' } | { readonly kind: 'serve'; readonly options: ServerOptions };

function integer(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function origin(value: string): string {
  if (value === '*') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--cors-origin "${value}" is not an origin like http://localhost:3000`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value.replace(/\/$/, '')) {
    throw new UsageError(`--cors-origin "${value}" must be scheme://host[:port] only (no path), e.g. ${url.origin}`);
  }
  return url.origin;
}

/** argv (without node and the script) → options; every mistake is a UsageError naming the flag. */
export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cores: number): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string', multiple: true },
        host: { type: 'string' },
        port: { type: 'string' },
        threads: { type: 'string' },
        concurrency: { type: 'string' },
        queue: { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'timeout-ms': { type: 'string' },
        token: { type: 'string' },
        'cors-origin': { type: 'string', multiple: true },
        'embedding-cache-mb': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  const models = v.model ?? [];
  if (models.length === 0) throw new UsageError('give at least one --model <manifest.json>');
  const concurrency = integer(v.concurrency, '--concurrency', 1, 64) ?? defaultConcurrency(cores);
  const token = v.token ?? env[TOKEN_ENV];
  if (token !== undefined && token.length < 8) throw new UsageError(`the token (--token or ${TOKEN_ENV}) must have at least 8 characters`);
  return {
    kind: 'serve',
    options: {
      models,
      host: v.host ?? DEFAULTS.host,
      port: integer(v.port, '--port', 0, 65535) ?? DEFAULTS.port,
      concurrency,
      threads: integer(v.threads, '--threads', 1, 1024) ?? defaultThreads(cores, concurrency),
      queue: integer(v.queue, '--queue', 0, 10_000) ?? DEFAULTS.queue,
      maxBodyBytes: integer(v['max-body-bytes'], '--max-body-bytes', 1024, 2 ** 31) ?? DEFAULTS.maxBodyBytes,
      timeoutMs: integer(v['timeout-ms'], '--timeout-ms', 100, 3_600_000) ?? DEFAULTS.timeoutMs,
      ...(token ? { token } : {}),
      corsOrigins: (v['cors-origin'] ?? []).map(origin),
      embeddingCacheBytes: (integer(v['embedding-cache-mb'], '--embedding-cache-mb', 0, 1_048_576) ?? DEFAULTS.embeddingCacheBytes / 1024 / 1024) * 1024 * 1024,
    },
  };
}
