/**
 * Caps the inference requests in the service at once — reading their body, waiting or running — so memory
 * stays bounded however many clients send at the same moment (the queue alone only counts those already
 * read). The limit is concurrency + queue: one place per worker and per waiting slot.
 */
export class Admission {
  private inside = 0;

  constructor(readonly limit: number) {}

  tryEnter(): boolean {
    if (this.inside >= this.limit) return false;
    this.inside++;
    return true;
  }

  leave(): void {
    this.inside = Math.max(0, this.inside - 1);
  }
}
