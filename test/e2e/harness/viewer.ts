// Driving OHIF 3.13 from a test: open a study in a mode's route and wait until an image is really on screen.
//
// Readiness signal: OHIF puts its services on `window.services`; cornerstoneViewportService knows the
// cornerstone viewport of every grid cell. A viewport is ready when it has a current imageId and image
// data, AND its on-screen canvas (`canvas.cornerstone-canvas`, a 2D canvas cornerstone copies each render
// into) shows non-black pixels. The DOM alone (canvas present) appears before any pixel is drawn.
import type { Page } from 'playwright-core';

export interface CanvasStats {
  viewportId: string;
  imageId: string;
  width: number;
  height: number;
  /** Fraction of pixels brighter than near-black. */
  nonBlank: number;
  /** Number of distinct grey levels (a flat fill has 1–2). */
  levels: number;
}

/** Keep OHIF's onboarding tour and investigational-use banner from covering the viewport in screenshots. */
export async function suppressOverlays(page: Page): Promise<void> {
  await page.addInitScript(() => {
    try {
      localStorage.setItem('shownTours', JSON.stringify(['basicViewerTour']));
      sessionStorage.setItem('investigationalUseDialog', 'hidden');
    } catch {
      /* storage unavailable: the overlays only cost screenshot area */
    }
  });
}

export function studyUrl(baseUrl: string, modeRoute: string, studyUids: string | string[]): string {
  const uids = Array.isArray(studyUids) ? studyUids.join(',') : studyUids;
  return `${baseUrl}/${modeRoute}?StudyInstanceUIDs=${encodeURIComponent(uids)}`;
}

/** Open studies in a mode (`viewer` is OHIF's stock longitudinal mode; ours has its own route). */
export async function openStudy(page: Page, baseUrl: string, modeRoute: string, studyUids: string | string[]): Promise<void> {
  await suppressOverlays(page);
  await page.goto(studyUrl(baseUrl, modeRoute, studyUids), { waitUntil: 'domcontentloaded' });
}

/** Per-viewport state and pixel statistics of what is on screen now (empty until OHIF has viewports). */
export function readViewports(page: Page): Promise<CanvasStats[]> {
  return page.evaluate(() => {
    const svc = (window as any).services?.cornerstoneViewportService;
    if (!svc) return [];
    const out: CanvasStats[] = [];
    for (const viewportId of svc.getViewportIds?.() ?? []) {
      const vp = svc.getCornerstoneViewport(viewportId);
      let imageId = '';
      try {
        imageId = vp?.getCurrentImageId?.() ?? '';
      } catch {
        /* volume viewports without a current slice yet */
      }
      const canvas: HTMLCanvasElement | null = vp?.element?.querySelector('canvas.cornerstone-canvas') ?? null;
      if (!vp || !imageId || !vp.getImageData?.() || !canvas || !canvas.width) continue;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let bright = 0;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        const grey = (data[i] + data[i + 1] + data[i + 2]) / 3;
        if (grey > 8) bright++;
        seen.add(data[i]);
      }
      out.push({ viewportId, imageId, width: canvas.width, height: canvas.height, nonBlank: bright / (data.length / 4), levels: seen.size });
    }
    return out;
  });
}

/**
 * Wait until at least `count` viewports show an image (non-black pixels, more than a few grey levels) and
 * the picture is stable over two polls. Returns their stats.
 */
export async function waitForRenderedImage(page: Page, { timeoutMs = 60000, count = 1, minNonBlank = 0.01 } = {}): Promise<CanvasStats[]> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  let last: CanvasStats[] = [];
  while (Date.now() < deadline) {
    last = await readViewports(page);
    const ready = last.filter((v) => v.nonBlank >= minNonBlank && v.levels > 4);
    const signature = JSON.stringify(ready.map((v) => [v.imageId, v.nonBlank.toFixed(3)]));
    if (ready.length >= count && signature === previous) return ready;
    previous = ready.length >= count ? signature : '';
    await page.waitForTimeout(250);
  }
  throw new Error(`no rendered image within ${timeoutMs} ms; viewports: ${JSON.stringify(last)}`);
}

/** QIDO-RS study search through the page's origin, i.e. through our proxy, asked as OHIF's worklist asks. */
export function qidoStudies(page: Page): Promise<Array<{ studyUid: string; description: string }>> {
  return page.evaluate(async () => {
    const res = await fetch('/dicom-web/studies?limit=101&offset=0&includefield=00081030%2C00080060', { headers: { Accept: 'application/dicom+json' } });
    if (!res.ok) throw new Error(`QIDO ${res.status}: ${await res.text()}`);
    const json = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
    return json.map((s) => ({
      studyUid: String(s['0020000D']?.Value?.[0] ?? ''),
      description: String(s['00081030']?.Value?.[0] ?? ''),
    }));
  });
}
