// Never break the host: a deliberately broken deployment — the MedSAM mode bundle added without the
// extension bundle it needs — in the default prebuilt OHIF viewer. The study list and OHIF's stock viewer
// must keep working; opening the MedSAM route must not take the app down either.
import { Artifacts, CT_PHANTOM, findStudy, launchBrowser, openStudy, qidoStudies, repoRoot, startStack, waitForRenderedImage, type BrowserSession, type Stack } from './harness';
import { MODE_URL, medsamAppConfigJs } from './medsam/appConfig';

jest.setTimeout(300_000);

describe('a broken MedSAM deployment (mode without its extension) leaves the viewer working', () => {
  let stack: Stack;
  let browser: BrowserSession;
  const art = new Artifacts('host-safety');

  beforeAll(async () => {
    const appConfigJs = medsamAppConfigJs(repoRoot, { modelManifestUrl: '/models/none.json' }, { extension: null, mode: MODE_URL });
    expect(appConfigJs).not.toContain('medsam-extension.mjs');
    stack = await startStack({ appConfigJs, logFile: art.file('stack.log') });
    browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    if (browser) art.writeText('console-errors.txt', browser.errors.join('\n'));
    await browser?.close();
    await stack?.stop();
  });

  it('the study list shows the studies', async () => {
    const { page } = browser;
    await page.goto(stack.url, { waitUntil: 'domcontentloaded' });
    expect((await qidoStudies(page)).map((s) => s.description)).toContain(CT_PHANTOM);
    await page.waitForSelector(`text=${CT_PHANTOM}`, { timeout: 60_000 });
    await art.screenshot(page, 'study list');
  });

  it("OHIF's stock viewer opens and renders a study", async () => {
    const { page } = browser;
    await openStudy(page, stack.url, 'viewer', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await waitForRenderedImage(page, { timeoutMs: 90_000 });
    await art.screenshot(page, 'stock viewer');
  });

  it('the MedSAM route does not take the app down: going back, the study list still works', async () => {
    const { page } = browser;
    await openStudy(page, stack.url, 'medsam', findStudy(stack.manifest, CT_PHANTOM).studyUid);
    await page.waitForTimeout(3000);
    await art.screenshot(page, 'medsam route without the extension');
    await page.goto(stack.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector(`text=${CT_PHANTOM}`, { timeout: 60_000 });
  });
});
