// The demo keeps its PACS and embedding service alive: a reader who leaves the demo running should not find
// a dead Orthanc or a /v2/ proxy answering 503 for good. Every few seconds it checks both and restarts what
// died (Orthanc with the same storage and port; the service on a new port, which the /v2/ proxy follows
// because it reads the service's URL on every request). A failing restart is retried with a growing pause.

const MAX_PAUSE_MS = 30_000;

/** Starts watching `stack` (from startStack); returns the function that stops watching. */
export function supervise(stack, { log = console.log, intervalMs = 2000 } = {}) {
  let busy = false;
  let pauseUntil = 0;
  let pauseMs = intervalMs;
  const tick = async () => {
    if (busy || Date.now() < pauseUntil) return;
    busy = true;
    try {
      if (!stack.orthanc.isRunning()) {
        log('Orthanc stopped: restarting it (same storage and port) ...');
        await stack.orthanc.restart();
        log(`Orthanc is back at ${stack.orthanc.url}`);
      }
      if (stack.embeddings && stack.embeddings.url === null) {
        log('The embedding service stopped: restarting it ...');
        await stack.embeddings.restart();
        log(`The embedding service is back at ${stack.embeddings.url} (/v2/ follows it)`);
      }
      pauseMs = intervalMs;
    } catch (err) {
      pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
      pauseUntil = Date.now() + pauseMs;
      log(`Restart failed (${err?.message ?? err}); trying again in ${Math.round(pauseMs / 1000)} s`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
