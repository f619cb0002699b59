import mode from './index';
import { MODE_ID } from './ids';
import type { LoadModules, ModeModule } from './types';

const loadModulesWith =
  (segmentationMode: Partial<ModeModule> | null): LoadModules =>
  async (names) => {
    if (names[0] === '@ohif/mode-segmentation' && segmentationMode) return [segmentationMode];
    throw new Error(`cannot import ${names[0]}`);
  };

describe('modeFactory never throws (OHIF appInit would go black)', () => {
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('a base mode whose factory throws gives an unavailable mode with the reason, and logs it', async () => {
    const broken = { id: 'seg', modeFactory: () => { throw new Error('base exploded'); } };
    const instance = await mode.modeFactory.call(mode, { loadModules: loadModulesWith(broken as unknown as ModeModule) });
    expect(instance.id).toBe(MODE_ID);
    expect(instance.routes).toEqual([]);
    const validity = instance.isValidMode!.call(instance, { modalities: 'CT' });
    expect(validity.valid).toBe(false);
    expect(validity.description).toMatch(/base exploded/);
    expect(console.error).toHaveBeenCalledWith(expect.stringMatching(/MedSAM mode could not be built.*base exploded/), expect.any(Error));
  });

  it('a base route without any layout gives an unavailable mode, not an exception', async () => {
    const odd = { id: 'seg', modeFactory: () => ({ id: 'seg', routeName: 's', displayName: 'S', routes: [{ path: 'p' }], extensions: {} }) };
    const instance = await mode.modeFactory.call(mode, { loadModules: loadModulesWith(odd as unknown as ModeModule) });
    expect(instance.isValidMode!.call(instance, { modalities: 'CT' }).valid).toBe(false);
  });

  it('without the stock segmentation mode it builds on its replica layout', async () => {
    const instance = await mode.modeFactory.call(mode, { loadModules: loadModulesWith(null) });
    expect(instance.routes).toHaveLength(1);
    expect(instance.isValidMode!.call(instance, { modalities: 'CT' }).valid).toBe(true);
  });
});
