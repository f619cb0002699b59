import { RequestLanes, type Lane } from './requestLanes';

/** A job the test finishes by hand; `log` records starts and ends in order. */
function jobs() {
  const log: string[] = [];
  const finish = new Map<string, () => void>();
  const job = (name: string) => () =>
    new Promise<void>((resolve) => {
      log.push(`start ${name}`);
      finish.set(name, () => (log.push(`end ${name}`), resolve()));
    });
  return { log, job, end: async (name: string) => (finish.get(name)!(), await flush()) };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('RequestLanes', () => {
  it('a decode arriving while an embedding is in flight runs at once (the 3D overlap)', async () => {
    const lanes = new RequestLanes();
    const { log, job, end } = jobs();
    lanes.run('embed', job('embed 2'));
    lanes.run('main', job('decode 1'));
    await flush();
    expect([...log].sort()).toEqual(['start decode 1', 'start embed 2']);
    await end('decode 1');
    await end('embed 2');
    expect(log.slice(2)).toEqual(['end decode 1', 'end embed 2']);
  });

  it('an embedding waits for the main-lane requests before it (a model load), and embeddings go one at a time', async () => {
    const lanes = new RequestLanes();
    const { log, job, end } = jobs();
    const order: [Lane, string][] = [['main', 'load'], ['embed', 'embed 1'], ['embed', 'embed 2'], ['main', 'decode 0']];
    for (const [lane, name] of order) lanes.run(lane, job(name));
    await flush();
    expect(log).toEqual(['start load']);
    await end('load');
    expect(log.slice(0, 2)).toEqual(['start load', 'end load']);
    expect(log.slice(2).sort()).toEqual(['start decode 0', 'start embed 1']);
    await end('embed 1');
    expect(log.slice(-2)).toEqual(['end embed 1', 'start embed 2']);
    await end('decode 0');
    await end('embed 2');
    expect(log).toHaveLength(8);
  });

  it('a failed job does not stop its lane', async () => {
    const lanes = new RequestLanes();
    const ran: string[] = [];
    lanes.run('main', () => Promise.reject(new Error('boom')));
    lanes.run('main', async () => void ran.push('next'));
    lanes.run('embed', async () => void ran.push('embed'));
    await flush();
    expect(ran).toEqual(['next', 'embed']);
  });
});
