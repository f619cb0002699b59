/**
 * "Segment with MedSAM" and "Segment in 3D with MedSAM" in OHIF's measurement context menu (right-click on a
 * measurement). OHIF builds that menu from the `measurementsContextMenu` customization: `{ menus: [{ id,
 * selector, items: [{ label, selector, commands }] }] }`; the first menu whose selector passes is shown and
 * each item's selector gets the clicked annotation's `toolName`. We append our two items to the host's menu
 * for an existing measurement with an `$apply` update: the host's items stay as they are, in their order.
 */
import { COMMANDS } from '../id';
import { MEASUREMENT_TOOLS } from '../measurement/boxFromMeasurement';

export const MEASUREMENT_MENU = 'measurementsContextMenu';

interface MenuItem {
  readonly id?: string;
  readonly subMenu?: string;
  readonly [key: string]: unknown;
}

interface Menu {
  readonly id?: string;
  readonly items?: readonly MenuItem[];
  readonly [key: string]: unknown;
}

const isMeasurementTool = (toolName: unknown) => (MEASUREMENT_TOOLS as readonly unknown[]).includes(toolName);

const item = (id: string, label: string, in3d: boolean): MenuItem => ({
  id,
  label,
  selector: ({ toolName }: { toolName?: string } = {}) => isMeasurementTool(toolName),
  // OHIF runs these with the clicked annotation's selector props added (its annotation UID as `uid`).
  commands: [{ commandName: COMMANDS.segmentMeasurement, commandOptions: { in3d } }],
});

export const MEDSAM_MENU_ITEMS: readonly MenuItem[] = [
  item('medsam-segment-measurement', 'Segment with MedSAM', false),
  item('medsam-segment-measurement-3d', 'Segment in 3D with MedSAM', true),
];

/**
 * The menu value with our items appended to the menu for an existing measurement: OHIF's `forExistingMeasurement`,
 * else the first menu no item opens as a sub-menu. Anything else (no menus, already added) comes back unchanged.
 */
export function withMedsamItems(value: unknown): unknown {
  const menus = (value as { menus?: unknown } | null)?.menus;
  if (!Array.isArray(menus) || menus.length === 0) return value;
  const list = menus as readonly Menu[];
  const subMenus = new Set(list.flatMap((m) => (m.items ?? []).map((i) => i.subMenu)).filter(Boolean));
  const byId = list.findIndex((m) => m.id === 'forExistingMeasurement');
  const index = byId >= 0 ? byId : list.findIndex((m) => !m.id || !subMenus.has(m.id));
  const menu = list[index];
  if (!menu || !Array.isArray(menu.items)) return value;
  if (menu.items.some((i) => MEDSAM_MENU_ITEMS.some((ours) => ours.id === i.id))) return value;
  return { ...(value as object), menus: list.map((m, i) => (i === index ? { ...m, items: [...menu.items!, ...MEDSAM_MENU_ITEMS] } : m)) };
}

/** The parts of OHIF's customization service this uses (3.11 to 3.14 have them). */
export interface MenuCustomizations {
  getCustomization(key: string): unknown;
  setCustomizations?(customizations: Record<string, unknown>, scope?: string): void;
  getCustomizations?(scope: string): Map<string, unknown> | undefined;
}

let restore: (() => void) | null = null;

/**
 * Adds the items for the mode being entered. Mode scope (OHIF clears it on the next mode's entry), unless the
 * deployment set the menu at global scope, which outranks the mode's: then there, put back on mode exit.
 * Returns whether the menu now has them; where it cannot, the panel's "From a measurement" stays the way.
 */
export function addMedsamToMeasurementMenu(service: MenuCustomizations | undefined): boolean {
  if (!service || typeof service.setCustomizations !== 'function' || !service.getCustomization(MEASUREMENT_MENU)) return false;
  try {
    const global = service.getCustomizations?.('global');
    const inGlobal = global?.has(MEASUREMENT_MENU) === true;
    const previous = global?.get(MEASUREMENT_MENU);
    service.setCustomizations({ [MEASUREMENT_MENU]: { $apply: withMedsamItems } }, inGlobal ? 'global' : 'mode');
    restore = inGlobal ? () => service.setCustomizations?.({ [MEASUREMENT_MENU]: { $set: previous } }, 'global') : null;
    const menus = (service.getCustomization(MEASUREMENT_MENU) as { menus?: readonly Menu[] } | undefined)?.menus ?? [];
    return menus.some((m) => (m.items ?? []).some((i) => i.id === MEDSAM_MENU_ITEMS[0].id));
  } catch (e) {
    console.warn('MedSAM: could not add its items to the measurement context menu; use the panel\'s "From a measurement"', e);
    return false;
  }
}

/** Mode exit: a global-scope menu goes back to what the deployment set. */
export function removeMedsamFromMeasurementMenu(): void {
  restore?.();
  restore = null;
}
