/**
 * Run-time loading only. OHIF imports app-config extension URLs in parallel with its own cornerstone
 * extension, which is what puts `window.cornerstone` / `window.cornerstoneTools` on the page. This module's
 * top-level await holds the rest of the bundle (whose @cornerstonejs imports read those globals) until they
 * exist. It is the first import of the run-time entry, so bundling keeps it first.
 */
const TIMEOUT_MS = 120_000;

type CornerstoneWindow = typeof globalThis & { cornerstone?: unknown; cornerstoneTools?: unknown };

const ready = () => {
  const w = globalThis as CornerstoneWindow;
  return w.cornerstone !== undefined && w.cornerstoneTools !== undefined;
};

const started = Date.now();
while (!ready()) {
  if (Date.now() - started > TIMEOUT_MS) {
    throw new Error(
      'MedSAM: window.cornerstone / window.cornerstoneTools never appeared. This bundle runs inside an OHIF viewer that loads @ohif/extension-cornerstone.',
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}

export {};
