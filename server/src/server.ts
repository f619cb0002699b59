import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULTS, type ServerOptions } from './config';
import { EmbeddingStore } from './embeddings/embeddingStore';
import { findModel, health, modelMetadataResponse, serverMetadata } from './handlers';
import { checkBearer } from './http/auth';
import { applyCors } from './http/cors';
import { checkHost } from './http/hostGuard';
import { ClientGoneError, HttpError } from './http/httpError';
import { sendEmpty, sendError } from './http/respond';
import { methodOf, route } from './http/router';
import { handleDecode } from './infer/handleDecode';
import { handleInfer } from './infer/handleInfer';
import { RequestScope } from './infer/requestScope';
import type { Logger } from './log';
import { isDecoder, servedDecoder, type ServedDecoder } from './models/servedDecoder';
import type { ServedModel } from './models/servedModel';
import { Admission } from './queue/admission';
import { LeaseQueue } from './queue/leaseQueue';
import type { DecoderSlot, EncoderSlot } from './workers/workerSlot';

export interface EmbeddingServer {
  /** Binds and resolves with the address actually bound (port 0 → a free one). */
  listen(): Promise<{ readonly host: string; readonly port: number; readonly url: string }>;
  /** Stops accepting, answers queued requests 503, lets running ones finish, then closes. */
  shutdown(): Promise<void>;
  readonly http: Server;
  /** The encoder queue as it stands: runs holding a worker and requests waiting for one. */
  readonly encoderQueue: QueueState;
}

export interface QueueState {
  readonly running: number;
  readonly waiting: number;
}

export interface EmbeddingServerDeps {
  readonly options: ServerOptions;
  readonly models: readonly ServedModel[];
  /** Encoder workers, already started; one run each at a time. */
  readonly slots: readonly EncoderSlot[];
  /**
   * The decoder worker(s), already started. With them (and an embedding cache, --embedding-cache-mb > 0)
   * every model's decoder is served too, as "<name>-decoder"; without them, the encoders only.
   */
  readonly decoderSlots?: readonly DecoderSlot[];
  readonly log: Logger;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export function createEmbeddingServer(deps: EmbeddingServerDeps): EmbeddingServer {
  const { options, log } = deps;
  const decoderSlots = deps.decoderSlots ?? [];
  const cacheBytes = options.embeddingCacheBytes ?? DEFAULTS.embeddingCacheBytes;
  const store = cacheBytes > 0 && decoderSlots.length > 0 ? new EmbeddingStore(cacheBytes) : undefined;
  const decoders: ServedDecoder[] = store ? deps.models.map(servedDecoder) : [];
  const models = new Map<string, ServedModel | ServedDecoder>([...deps.models, ...decoders].map((m) => [m.name, m]));
  const queue = new LeaseQueue<EncoderSlot>(deps.slots, options.queue);
  const inferDeps = { queue, admission: new Admission(deps.slots.length + options.queue), maxBodyBytes: options.maxBodyBytes, ...(store ? { store } : {}) };
  // Decodes take milliseconds and never wait behind an encoder run: their own worker, queue and admission.
  const decoderQueueLength = Math.max(8, options.queue * 4);
  const decodeDeps = store && {
    queue: new LeaseQueue<DecoderSlot>(decoderSlots, decoderQueueLength, 50),
    admission: new Admission(decoderSlots.length + decoderQueueLength),
    store,
  };
  let draining = false;
  let active = 0;
  let onQuiet: (() => void) | undefined;
  const ready = () => !draining && deps.slots.every((s) => s.ready) && decoderSlots.every((s) => s.ready);

  async function dispatch(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    checkHost(req, options.host);
    if (applyCors(req, res, options.corsOrigins)) return;
    const path = (req.url ?? '/').split('?')[0];
    const r = route(req.url ?? '/');
    if (r.kind === 'notFound') throw new HttpError(404, `no endpoint ${path.slice(0, 200)} (see GET /v2 and /v2/models/<name>)`);
    if (r.kind === 'badName') throw new HttpError(400, `invalid ${r.what} "${r.value.slice(0, 200)}": use letters, digits, "_", "-" and "." (not first)`);
    const method = methodOf(r) ?? 'GET';
    if (req.method === 'OPTIONS') return sendEmpty(res, 204, { Allow: `${method}, OPTIONS` });
    if (req.method !== method) throw new HttpError(405, `${path.slice(0, 200)} answers ${method} only`, { Allow: `${method}, OPTIONS` });
    if (r.kind === 'live') return health(res, true);
    if (r.kind === 'ready') return health(res, ready());
    checkBearer(req, options.token);
    if (r.kind === 'server') return serverMetadata(res, store !== undefined);
    const model = findModel(models, r.model, r.version);
    if (r.kind === 'model') return modelMetadataResponse(res, model);
    if (r.kind === 'modelReady') return health(res, ready());
    if (draining) throw new HttpError(503, 'the service is shutting down', { 'Retry-After': '1' });
    if (isDecoder(model)) return handleDecode(req, res, model, decodeDeps!, scope);
    return handleInfer(req, res, model, inferDeps, scope);
  }

  function fail(res: ServerResponse, e: unknown): void {
    if (e instanceof ClientGoneError) return;
    if (e instanceof HttpError) {
      if (e.status === 500) log.error(e.message); // a failed run: the operator should see it too
      return sendError(res, e.status, e.message, e.headers, e.code);
    }
    // Unexpected: log the details here, tell the client only that it happened.
    log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    sendError(res, 500, 'internal error in the embedding service');
  }

  const http = createServer((req, res) => {
    active++;
    const scope = new RequestScope(res, options.timeoutMs);
    res.on('close', () => {
      active--;
      if (active === 0) onQuiet?.();
    });
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (draining) res.setHeader('Connection', 'close');
    dispatch(req, res, scope).catch((e: unknown) => fail(res, e)).finally(() => scope.end());
  });
  // Node's own limit on receiving a request sits just behind ours, so ours (408) answers first.
  http.requestTimeout = options.timeoutMs + 5_000;
  http.headersTimeout = Math.min(30_000, http.requestTimeout);
  // Idle keep-alive connections outlive the clients' own idle limits (undici: 4 s), so it is the client that
  // closes them: a server closing first races with a client reusing the socket, and a POST cannot be retried.
  http.keepAliveTimeout = 65_000;

  return {
    http,
    encoderQueue: queue,
    listen() {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, () => {
          http.off('error', reject);
          const { port } = http.address() as AddressInfo;
          resolve({ host: options.host, port, url: `http://${urlHost(options.host)}:${port}` });
        });
      });
    },
    async shutdown() {
      if (draining) return;
      draining = true;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      queue.close('the service is shutting down');
      decodeDeps?.queue.close('the service is shutting down');
      await Promise.all([queue.idle(), decodeDeps?.queue.idle()]);
      if (active > 0) await new Promise<void>((resolve) => (onQuiet = resolve));
      // Every answer is written: keep-alive connections have nothing left to carry.
      http.closeAllConnections();
      await closed;
    },
  };
}
