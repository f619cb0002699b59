import { parseServerArgs, UsageError } from './options';

const parse = (args: string[], env: NodeJS.ProcessEnv = {}, cores = 2) => parseServerArgs(args, env, cores);

describe('parseServerArgs', () => {
  it('fills in safe defaults: loopback, one worker per 4 cores, all cores as threads', () => {
    const c = parse(['--model', 'm.json']);
    expect(c).toEqual({
      kind: 'serve',
      options: expect.objectContaining({ models: ['m.json'], host: '127.0.0.1', port: 8000, concurrency: 1, threads: 2, corsOrigins: [] }),
    });
    const big = parse(['--model', 'a.json', '--model', 'b.json'], {}, 16);
    expect(big.kind === 'serve' && [big.options.concurrency, big.options.threads, big.options.models.length]).toEqual([4, 4, 2]);
  });

  it('reads every flag', () => {
    const c = parse(
      ['--model', 'm.json', '--host', '0.0.0.0', '--port', '0', '--threads', '3', '--concurrency', '2', '--queue', '0',
        '--max-body-bytes', '2048', '--timeout-ms', '500', '--token', 'secret-token', '--cors-origin', 'http://localhost:3000/',
        '--embedding-cache-mb', '8'],
    );
    expect(c.kind === 'serve' && c.options).toEqual({
      models: ['m.json'], host: '0.0.0.0', port: 0, threads: 3, concurrency: 2, queue: 0, maxBodyBytes: 2048, timeoutMs: 500,
      token: 'secret-token', corsOrigins: ['http://localhost:3000'], embeddingCacheBytes: 8 * 1024 * 1024,
    });
    const off = parse(['--model', 'm.json', '--embedding-cache-mb', '0']);
    expect(off.kind === 'serve' && off.options.embeddingCacheBytes).toBe(0);
    const byDefault = parse(['--model', 'm.json']);
    expect(byDefault.kind === 'serve' && byDefault.options.embeddingCacheBytes).toBe(256 * 1024 * 1024);
  });

  it('takes the token from the environment', () => {
    const c = parse(['--model', 'm.json'], { MEDSAM_EMBEDDING_TOKEN: 'from-the-env' });
    expect(c.kind === 'serve' && c.options.token).toBe('from-the-env');
  });

  it('says what is wrong', () => {
    expect(() => parse([])).toThrow(/at least one --model/);
    expect(() => parse(['--model', 'm', '--port', 'x'])).toThrow(/--port must be an integer/);
    expect(() => parse(['--model', 'm', '--concurrency', '0'])).toThrow(/--concurrency must be an integer from 1/);
    expect(() => parse(['--model', 'm', '--bogus'])).toThrow(UsageError);
    expect(() => parse(['--model', 'm', '--cors-origin', 'http://a.b/path'])).toThrow(/no path/);
    expect(() => parse(['--model', 'm', '--token', 'short'])).toThrow(/at least 8/);
    expect(parse(['--help'])).toEqual({ kind: 'help' });
  });
});
