import { LeaseQueue, QueueClosedError, QueueFullError } from './leaseQueue';

describe('LeaseQueue', () => {
  it('hands out resources first come, first served, and refuses beyond the line', async () => {
    const q = new LeaseQueue(['w1'], 2, 2000);
    const first = await q.acquire();
    const order: string[] = [];
    const second = q.acquire().then((l) => (order.push('second'), l));
    const third = q.acquire().then((l) => (order.push('third'), l));
    await expect(q.acquire()).rejects.toBeInstanceOf(QueueFullError);
    first.release();
    (await second).release();
    (await third).release();
    expect(order).toEqual(['second', 'third']);
    expect(q.running).toBe(0);
  });

  it('estimates Retry-After from the work ahead', async () => {
    const q = new LeaseQueue(['a', 'b'], 0, 3000);
    await q.acquire();
    await q.acquire();
    const e = await q.acquire().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(QueueFullError);
    expect((e as QueueFullError).retryAfterSeconds).toBe(3); // 2 runs ahead over 2 workers × 3 s
  });

  it('drops a waiter whose signal aborts, keeping its place free for others', async () => {
    const q = new LeaseQueue(['w'], 1);
    const held = await q.acquire();
    const ac = new AbortController();
    const gone = q.acquire(ac.signal);
    ac.abort(new Error('client left'));
    await expect(gone).rejects.toThrow('client left');
    expect(q.waiting).toBe(0);
    const next = q.acquire();
    held.release();
    (await next).release();
  });

  it('on close refuses waiters and new requests but lets held leases finish', async () => {
    const q = new LeaseQueue(['w'], 3);
    const held = await q.acquire();
    const waiting = q.acquire();
    q.close('stopping');
    await expect(waiting).rejects.toBeInstanceOf(QueueClosedError);
    await expect(q.acquire()).rejects.toBeInstanceOf(QueueClosedError);
    let idle = false;
    const done = q.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    held.release();
    held.release(); // twice is harmless
    await done;
    expect(q.running).toBe(0);
  });
});
