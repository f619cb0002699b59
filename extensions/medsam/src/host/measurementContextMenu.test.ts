import { MEDSAM_MENU_ITEMS, withMedsamItems } from './measurementContextMenu';

type Item = { id?: string; label?: string; selector?: (p: { toolName?: string }) => boolean; commands?: { commandName: string; commandOptions: { in3d: boolean } }[] };
type Value = { inheritsFrom?: string; menus: { id?: string; items: Item[] }[] };

const ohifDefault = (): Value => ({
  inheritsFrom: 'ohif.contextMenu',
  menus: [{ id: 'forExistingMeasurement', items: [{ label: 'Delete measurement' }, { label: 'Add Label' }] }],
});

describe('withMedsamItems (the measurement context menu)', () => {
  it("appends both items after the host's own, keeping them and the menu's other settings", () => {
    const out = withMedsamItems(ohifDefault()) as Value;
    expect(out.inheritsFrom).toBe('ohif.contextMenu');
    expect(out.menus[0].items.map((i) => i.label)).toEqual(['Delete measurement', 'Add Label', 'Segment with MedSAM', 'Segment in 3D with MedSAM']);
    expect(out.menus[0].items[3].commands).toEqual([{ commandName: 'medsamSegmentMeasurement', commandOptions: { in3d: true } }]);
  });

  it('shows them only for Bidirectional, Length and RectangleROI measurements', () => {
    const selector = MEDSAM_MENU_ITEMS[0].selector as Item['selector'];
    expect(['Bidirectional', 'Length', 'RectangleROI'].map((toolName) => selector!({ toolName }))).toEqual([true, true, true]);
    expect(['EllipticalROI', 'ArrowAnnotate', undefined].map((toolName) => selector!({ toolName }))).toEqual([false, false, false]);
  });

  it('adds them once; a host menu without an id gets them, its sub-menus do not', () => {
    const once = withMedsamItems(ohifDefault());
    expect(withMedsamItems(once)).toBe(once);
    const custom: Value = { menus: [{ items: [{ label: 'Site', subMenu: 'siteMenu' } as Item] }, { id: 'siteMenu', items: [{ label: 'Liver' }] }] };
    const out = withMedsamItems(custom) as Value;
    expect(out.menus[0].items).toHaveLength(3);
    expect(out.menus[1].items).toHaveLength(1);
  });

  it('leaves values it does not understand alone', () => {
    expect(withMedsamItems(undefined)).toBeUndefined();
    const noMenus = { something: 1 };
    expect(withMedsamItems(noMenus)).toBe(noMenus);
  });
});
