/** Times each named step of an e2e test into `timings` (kept in the test output), whatever its outcome. */
export function timedStep(timings: Record<string, number>) {
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      timings[name] = Date.now() - t0;
    }
  };
}
