/** Which lane a worker request runs in: embeddings have their own, so a decode never waits behind one. */
export type Lane = 'main' | 'embed';

/**
 * The worker's order of work. Requests of the main lane (load, segment, decode, clearCache) run one after
 * another in arrival order. Embeddings run one at a time in their own lane, each after the main-lane
 * requests that arrived before it (so an embedding never runs on a model still loading). A decode that
 * arrives while an embedding is in flight does not wait for it: with the embedding service, the next slice's
 * embedding is computed on the service while this slice's box is decoded here (the 3D loop's overlap).
 */
export class RequestLanes {
  private main: Promise<void> = Promise.resolve();
  private embed: Promise<void> = Promise.resolve();

  run(lane: Lane, job: () => Promise<void>): void {
    const after = lane === 'main' ? this.main : Promise.all([this.main, this.embed]);
    // A job reports its own failures; the lane must go on after one.
    const done = after.then(job).catch(() => undefined);
    if (lane === 'main') this.main = done;
    else this.embed = done;
  }
}
