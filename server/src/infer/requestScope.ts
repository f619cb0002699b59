import type { ServerResponse } from 'node:http';
import { ClientGoneError, HttpError } from '../http/httpError';

/**
 * The life of one request: a signal that aborts when its time is up (408 while the body is still arriving,
 * 504 after) or when the client disconnects, so queued work is dropped instead of done for nobody.
 */
export class RequestScope {
  phase: 'headers' | 'body' | 'work' = 'headers';
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(res: ServerResponse, timeoutMs: number) {
    this.timer = setTimeout(() => {
      this.controller.abort(
        this.phase === 'body'
          ? new HttpError(408, `the request body did not arrive within ${timeoutMs} ms (--timeout-ms)`, { Connection: 'close' })
          : new HttpError(504, `no embedding within ${timeoutMs} ms (--timeout-ms), queue wait included; the service may be overloaded`),
      );
    }, timeoutMs);
    res.on('close', () => {
      if (!res.writableFinished) this.controller.abort(new ClientGoneError());
      this.end();
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  end(): void {
    clearTimeout(this.timer);
  }
}
