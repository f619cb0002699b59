import { MEASURE_GROUP_ID } from '../toolbarButtons';
import { adaptHost, type HostToolbar, type HostToolGroup, type HostTools } from './adaptHost';

// cornerstone's ESM build does not load under jest's node environment; the host's tools are passed in instead.
jest.mock('@cornerstonejs/tools', () => ({}));

interface Button {
  id: string;
  uiType: string;
  props: Record<string, unknown>;
}

/** OHIF's toolbar service rules (3.11 to 3.14): the first button registered under an id stays; updateSection appends what a section lacks. */
class Toolbar implements HostToolbar {
  readonly buttons = new Map<string, Button>();
  readonly sections = new Map<string, string[]>();
  getButton(id: string) {
    return this.buttons.get(id);
  }
  register(buttons: unknown[]) {
    for (const b of buttons as Button[]) if (!this.buttons.has(b.id)) this.buttons.set(b.id, b);
  }
  updateSection(key: string, ids: string[]) {
    const section = this.sections.get(key);
    if (section) section.push(...ids.filter((id) => !section.includes(id)));
    else this.sections.set(key, [...ids]);
  }
}

/** cornerstone's ToolGroup rules: a tool it has no class for is not added (cornerstone warns and returns). */
class ToolGroup implements HostToolGroup {
  readonly modes = new Map<string, string>();
  constructor(
    readonly id: string,
    private readonly registry: ReadonlySet<string>,
  ) {}
  hasTool(name: string) {
    return this.modes.has(name);
  }
  addTool(name: string) {
    if (this.registry.has(name) && !this.modes.has(name)) this.modes.set(name, 'Disabled');
  }
  setToolPassive(name: string) {
    if (this.modes.has(name)) this.modes.set(name, 'Passive');
  }
}

const MEASURE = ['Bidirectional', 'Length', 'RectangleROI'];

/** The host's tools: OHIF's segmentation mode groups (default, mpr, volume3d); `added` already in the 2D ones (3.13+'s toolGroupAdditions). */
function host(registered: string[] = ['MedSamBox', ...MEASURE], added: string[] = []): HostTools & { group(id: string): ToolGroup } {
  const registry = new Set(registered);
  const groups = ['default', 'mpr', 'volume3d'].map((id) => new ToolGroup(id, registry));
  for (const g of groups.slice(0, 2)) for (const t of added) g.modes.set(t, 'Passive');
  return { toolGroups: () => groups, isRegistered: (name) => registry.has(name), group: (id) => groups.find((g) => g.id === id)! };
}

const passiveIn = (group: ToolGroup) => [...group.modes].filter(([, mode]) => mode === 'Passive').map(([name]) => name);

describe('adaptHost: what OHIF 3.11/3.12 lacks, and on every host the Measure group', () => {
  it('OHIF 3.11/3.12 (no buttons, no MedSAM tools): registers the buttons, fills the Measure group, adds the tools passive to the 2D groups', () => {
    const tools = host();
    const toolbar = new Toolbar();
    toolbar.updateSection('primary', ['WindowLevel', 'Pan']);
    const done = adaptHost(toolbar, tools);
    expect(done.registeredButtons).toEqual(['MedSamBox', MEASURE_GROUP_ID, ...MEASURE]);
    expect(toolbar.getButton('Bidirectional')).toMatchObject({ uiType: 'ohif.toolButton', props: { icon: 'tool-bidirectional', commands: 'setToolActiveToolbar' } });
    expect(toolbar.getButton('Length')).toMatchObject({ props: { icon: 'tool-length' } });
    expect(toolbar.getButton(MEASURE_GROUP_ID)).toMatchObject({ uiType: 'ohif.toolButtonList' });
    expect(toolbar.sections.get(MEASURE_GROUP_ID)).toEqual(MEASURE);
    expect(toolbar.sections.get('primary')).toEqual(['WindowLevel', 'Pan', MEASURE_GROUP_ID]);
    expect(done.measureToolsAdded).toEqual({ default: MEASURE, mpr: MEASURE });
    expect(passiveIn(tools.group('default'))).toEqual(['MedSamBox', ...MEASURE]);
    expect(passiveIn(tools.group('mpr'))).toEqual(['MedSamBox', ...MEASURE]);
    // the 3D view keeps its rotate tools; no measurements there
    expect(passiveIn(tools.group('volume3d'))).toEqual(['MedSamBox']);
    // a second mode entry adds nothing twice
    const again = adaptHost(toolbar, tools);
    expect(again).toMatchObject({ registeredButtons: [], addedToToolGroups: [], measureToolsAdded: {} });
    expect(toolbar.sections.get('primary')).toEqual(['WindowLevel', 'Pan', MEASURE_GROUP_ID]);
  });

  it("OHIF 3.13+ (the mode's toolbarButtons and toolGroupAdditions did it): keeps the host's buttons and adds no measurement tool", () => {
    const tools = host(undefined, ['MedSamBox', ...MEASURE]);
    const toolbar = new Toolbar();
    const hostButton = { id: 'Bidirectional', uiType: 'ohif.toolButton', props: { icon: 'tool-bidirectional', label: 'Bidirectional (host)' } };
    toolbar.register([{ id: 'MedSamBox', uiType: 'ohif.toolButton', props: {} }, { id: MEASURE_GROUP_ID, uiType: 'ohif.toolButtonList', props: {} }, hostButton, { id: 'Length', uiType: 'ohif.toolButton', props: {} }, { id: 'RectangleROI', uiType: 'ohif.toolButton', props: {} }]);
    const done = adaptHost(toolbar, tools);
    expect(done.registeredButtons).toEqual([]);
    expect(toolbar.getButton('Bidirectional')).toBe(hostButton);
    expect(done.measureToolsAdded).toEqual({});
    expect(done.addedToToolGroups).toEqual(['volume3d']); // the box tool goes into every group, as before
    expect(toolbar.sections.get(MEASURE_GROUP_ID)).toEqual(MEASURE);
  });

  it('a tool the host cornerstone does not know is left out quietly, with a line in the console', () => {
    const tools = host(['MedSamBox', 'Bidirectional', 'Length']);
    const toolbar = new Toolbar();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const done = adaptHost(toolbar, tools);
      expect(done.skippedTools).toEqual(['RectangleROI']);
      expect(done.measureTools).toEqual(['Bidirectional', 'Length']);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('no RectangleROI tool'));
      expect(toolbar.getButton('RectangleROI')).toBeUndefined();
      expect(toolbar.sections.get(MEASURE_GROUP_ID)).toEqual(['Bidirectional', 'Length']);
      expect(passiveIn(tools.group('default'))).toEqual(['MedSamBox', 'Bidirectional', 'Length']);
    } finally {
      warn.mockRestore();
    }
  });

  it('no measurement tool known at all: no Measure group on the toolbar', () => {
    const tools = host(['MedSamBox']);
    const toolbar = new Toolbar();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const done = adaptHost(toolbar, tools);
      expect(done.registeredButtons).toEqual(['MedSamBox']);
      expect(toolbar.sections.has('primary')).toBe(false);
      expect(toolbar.sections.has(MEASURE_GROUP_ID)).toBe(false);
      expect(passiveIn(tools.group('default'))).toEqual(['MedSamBox']);
    } finally {
      warn.mockRestore();
    }
  });
});
