// `npm run serve:embeddings`: the MedSAM encoder on the Open Inference Protocol v2.
import { availableParallelism } from 'node:os';
import { parseServerArgs, USAGE, UsageError } from './cli/options';
import { TOKEN_ENV } from './config';
import { isLoopbackHost } from './http/hostGuard';
import { stderrLogger } from './log';
import { startService } from './service';

const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

async function main(): Promise<number> {
  let command;
  try {
    command = parseServerArgs(process.argv.slice(2), process.env, availableParallelism());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const options = command.options;
  const log = stderrLogger;
  const service = await startService(options, log);
  const names = options.models.length === 1 ? 'model' : 'models';
  log.info(
    `serving ${options.models.length} ${names} with ${options.concurrency} worker(s) × ${options.threads} thread(s), queue ${options.queue}` +
      `${options.token ? ', bearer token required' : ''}${options.corsOrigins.length ? `, CORS: ${options.corsOrigins.join(' ')}` : ''}`,
  );
  if (!isLoopbackHost(options.host) && !options.token) {
    log.error(`listening on ${options.host} without a token: anyone who can reach this port can use the encoder (set ${TOKEN_ENV})`);
  }
  // The one stdout line: scripts and tests wait for it and read the port from it.
  process.stdout.write(`listening on ${service.url}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.error(`${signal} again: exiting without waiting for running work`);
        resolve(EXIT.failure);
        return;
      }
      stopping = true;
      log.info(`${signal}: no new requests; finishing running work`);
      // A run stuck in onnxruntime cannot be interrupted: give up after the longest legitimate request.
      setTimeout(() => {
        log.error('shutdown took longer than --timeout-ms; exiting anyway');
        resolve(EXIT.failure);
      }, options.timeoutMs + 5_000).unref();
      service.stop().then(
        () => {
          log.info('stopped');
          resolve(EXIT.ok);
        },
        (e: unknown) => {
          log.error(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
          resolve(EXIT.failure);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // Startup failures (unreadable manifest, hash mismatch, port in use) are the user's to fix: no stack.
    process.stderr.write(`medsam embedding server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(EXIT.failure);
  },
);
