// A Siemens mosaic (dicom3tools' 0051.dcm: 20 MR slices tiled into one 360×360 image) is segmented as asked,
// and the panel warns that MedSAM treats the mosaic as one picture (detected from ImageType MOSAIC).
import path from 'node:path';
import { Artifacts, launchBrowser, openStudy, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { medsamAppConfigJs } from './medsam/appConfig';
import { dragBox, selectBoxTool, showInstance, waitForState } from './medsam/medsamPage';

const MODEL_FILE = path.resolve(repoRoot, 'models/test-tiny/manifest.json');
const MOSAIC = { studyUid: '1.3.12.2.1107.5.2.43.67060.30000018121013085126000000053', sopUid: '1.3.12.2.1107.5.2.43.67060.2018121813193538934142630' };

jest.setTimeout(300_000);

describe('a mosaic image gets a warning with its result', () => {
  let stack: Stack;
  let browser: BrowserSession;
  const art = new Artifacts('medsam-mosaic');

  beforeAll(async () => {
    const appConfigJs = medsamAppConfigJs(repoRoot, { modelManifestUrl: '/e2e-model/manifest.json', backends: ['wasm'], threads: 2 });
    stack = await startStack({ appConfigJs, mounts: [{ prefix: '/e2e-model/', dir: path.dirname(MODEL_FILE) }], logFile: art.file('stack.log') });
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('box across tiles → preview with the mosaic warning', async () => {
    const { page } = browser;
    expect(stack.manifest.studies.map((s) => s.studyUid)).toContain(MOSAIC.studyUid);
    await openStudy(page, stack.url, 'medsam', MOSAIC.studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    await waitForState(page, "s.model.status === 'ready'", 180_000);
    const imageId = await showInstance(page, MOSAIC.sopUid);
    await selectBoxTool(page);
    await dragBox(page, imageId, { x0: 40, y0: 40, x1: 150, y1: 150 }); // spans four 72-pixel tiles
    const state = await waitForState(page, "s.result?.phase === 'preview' || !!s.error", 180_000);
    expect(state.error).toBeNull();
    const warnings = (state.result as unknown as { warnings?: string[] }).warnings;
    expect(warnings).toEqual([expect.stringMatching(/^This image is a mosaic \(.*tiled into one picture\)/)]);
    expect(await page.textContent('[data-cy="medsam-result-warning"]')).toMatch(/box that crosses tile borders mixes slices/);
    await art.screenshot(page, 'mosaic warning');
  });
});
