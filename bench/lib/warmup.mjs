// Warm-up that ends after `count` iterations AND `ms` milliseconds: a fixed count is not enough for WASM,
// whose code V8 keeps optimising in the background for seconds (on a busy 2-core machine the first loop
// after a session is created ran ~40 % slower than the same loop repeated, unless warmed up for ~5 s).

/** Never more than this many warm-up iterations, whatever the clock says. */
export const MAX_WARMUP = 40;

export function warmupUntil(count, ms) {
  const start = performance.now();
  let seen = 0;
  return {
    /** Call once per iteration, after it ran: true when that iteration counts as measured. */
    done() {
      seen++;
      return seen > count && (performance.now() - start >= ms || seen > MAX_WARMUP);
    },
  };
}
