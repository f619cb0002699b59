import { composeMode } from './composeMode';
import { MEDSAM, MODE_ID } from './ids';
import type { ModeContext, ModeInstance, Route } from './types';

function layoutTemplate(this: Route) {
  return this.layoutInstance;
}

const base = (): ModeInstance => ({
  id: '@ohif/mode-segmentation',
  routeName: 'segmentation',
  displayName: 'Segmentation',
  routes: [{ path: 'template', layoutTemplate, layoutInstance: { id: 'layout', props: { rightPanels: ['seg-panel'], leftPanels: ['series'] } } }],
  extensions: { '@ohif/extension-cornerstone': '^3.0.0' },
  toolbarButtons: [{ $reference: 'cornerstone.toolbarButtons' }],
  toolGroupAdditions: { default: [], mpr: [], volume3d: [] },
  onModeEnter: jest.fn(function (this: ModeInstance) {
    (this as unknown as { entered: boolean }).entered = true;
  }),
});

const context = () => {
  const updateSection = jest.fn();
  const runCommand = jest.fn();
  const ctx = { servicesManager: { services: { toolbarService: { updateSection } } }, commandsManager: { runCommand }, extensionManager: {} } as unknown as ModeContext;
  return { ctx, updateSection, runCommand };
};

describe('composeMode', () => {
  it('is the segmentation mode with its own id and route, and the MedSAM panel first', () => {
    const mode = composeMode(base(), false);
    expect(mode.id).toBe(MODE_ID);
    expect(mode.routeName).toBe('medsam');
    const route = mode.routes[0];
    expect(route.path).toBe('medsam');
    expect(route.layoutInstance!.props.rightPanels).toEqual([MEDSAM.panel, 'seg-panel']);
    expect(route.layoutInstance!.props.leftPanels).toEqual(['series']);
    expect(route.layoutTemplate.call(route)).toBe(route.layoutInstance);
  });

  it('adds the button pack, and the box tool and the measurement tools (passive) to the 2D tool groups only', () => {
    const mode = composeMode(base(), false);
    expect(mode.toolbarButtons).toEqual([{ $reference: 'cornerstone.toolbarButtons' }, { $reference: MEDSAM.toolbarButtons }]);
    const passive = [{ toolName: 'MedSamBox' }, { toolName: 'Bidirectional' }, { toolName: 'Length' }, { toolName: 'RectangleROI' }];
    expect(mode.toolGroupAdditions).toEqual({ default: [{ passive }], mpr: [{ passive }], volume3d: [] });
  });

  it("keeps the base mode's own additions and adds to tool groups it names none for", () => {
    const own = { passive: [{ toolName: 'Probe' }] };
    const mode = composeMode({ ...base(), toolGroupAdditions: { default: [own] } }, false);
    expect(mode.toolGroupAdditions!.default).toHaveLength(2);
    expect(mode.toolGroupAdditions!.default[0]).toBe(own);
    expect(mode.toolGroupAdditions!.mpr).toEqual([mode.toolGroupAdditions!.default[1]]);
    // OHIF 3.11/3.12's segmentation mode has neither property: the mode still lists them (the host ignores them)
    const old = composeMode({ ...base(), toolbarButtons: undefined, toolGroupAdditions: undefined }, false);
    expect(old.toolbarButtons).toEqual([{ $reference: MEDSAM.toolbarButtons }]);
    expect(Object.keys(old.toolGroupAdditions!)).toEqual(['default', 'mpr']);
  });

  it('lists the extension as a dependency only when OHIF can import it by name', () => {
    expect(composeMode(base(), false).extensions).toEqual({ '@ohif/extension-cornerstone': '^3.0.0' });
    expect(composeMode(base(), true).extensions).toEqual({ '@ohif/extension-cornerstone': '^3.0.0', [MEDSAM.extensionId]: MEDSAM.extensionVersion });
  });

  it('on enter: the base mode first, then the MedSAM button on the main toolbar and the model starts loading', () => {
    const b = base();
    const mode = composeMode(b, false);
    const { ctx, updateSection, runCommand } = context();
    mode.onModeEnter!.call(mode, ctx);
    expect(b.onModeEnter).toHaveBeenCalledWith(ctx);
    expect((mode as unknown as { entered: boolean }).entered).toBe(true); // `this` is the MedSAM mode
    expect(updateSection).toHaveBeenCalledWith('primary', [MEDSAM.toolName]);
    expect(runCommand).toHaveBeenCalledWith(MEDSAM.loadModelCommand);
    // after the base mode made its tool groups: hosts before 3.13 get the buttons and tools from the extension,
    // which also puts the Measure group on the main toolbar before the MedSAM button
    expect(runCommand.mock.calls.map((c) => c[0])).toEqual([MEDSAM.adaptHostCommand, MEDSAM.loadModelCommand]);
    expect(runCommand.mock.invocationCallOrder[0]).toBeLessThan(updateSection.mock.invocationCallOrder[0]);
  });

  it('an OHIF 3.11/3.12 route (layoutTemplate function, no layoutInstance) gets the panel when it opens', () => {
    const b = base();
    const template = jest.fn((...args: unknown[]) => ({ id: 'layout', props: { rightPanels: ['seg-panel'], leftPanels: ['series'], location: (args[0] as { location: string }).location } }));
    const mode = composeMode({ ...b, routes: [{ path: 'template', layoutTemplate: template }] }, false);
    const route = mode.routes[0];
    expect(route.path).toBe('medsam');
    expect(route.layoutInstance).toBeUndefined();
    const layout = route.layoutTemplate.call(route, { location: 'here' }) as { props: Record<string, unknown> };
    expect(template).toHaveBeenCalledWith({ location: 'here' });
    expect(layout.props).toEqual({ rightPanels: [MEDSAM.panel, 'seg-panel'], leftPanels: ['series'], location: 'here', rightPanelClosed: false });
  });

  it('a route it cannot extend is an error (the mode factory turns it into an unavailable mode)', () => {
    const b = base();
    expect(() => composeMode({ ...b, routes: [{ path: 'x' } as unknown as Route] }, false)).toThrow(/neither a layoutInstance nor a layoutTemplate/);
  });

  it('valid for image modalities, not for studies without images', () => {
    const mode = composeMode(base(), false);
    expect(mode.isValidMode!.call(mode, { modalities: 'CT' }).valid).toBe(true);
    expect(mode.isValidMode!.call(mode, { modalities: 'MR\\SEG' }).valid).toBe(true);
    expect(mode.isValidMode!.call(mode, { modalities: 'OT' }).valid).toBe(true);
    expect(mode.isValidMode!.call(mode, { modalities: 'SR\\SEG' }).valid).toBe(false);
    expect(mode.isValidMode!.call(mode, { modalities: 'SM' }).valid).toBe(false);
  });
});
