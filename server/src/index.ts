// The embedding service as a library (tests, embedding in another Node process); `main.ts` is the CLI.
export { DEFAULTS, TOKEN_ENV, type ServerOptions } from './config';
export { parseServerArgs, USAGE, UsageError } from './cli/options';
export { createEmbeddingServer, type EmbeddingServer, type EmbeddingServerDeps } from './server';
export { startService, type RunningService } from './service';
export { loadManifests } from './models/loadManifests';
export { modelMetadata, servedModel, type ServedModel } from './models/servedModel';
export { WorkerSlot, type EncoderSlot } from './workers/workerSlot';
export { silentLogger, stderrLogger, type Logger } from './log';
