import { ToolGroupManager } from '@cornerstonejs/tools';
import { BOX_TOOL_NAME } from '../id';
import { toolbarButtons } from '../toolbarButtons';

/** The parts of OHIF's toolbar service this reads: present in 3.11 to 3.14. */
export interface HostToolbar {
  getButton?(id: string): unknown;
  register?(buttons: unknown[]): void;
  addButtons?(buttons: unknown[]): void;
}

/** What the host lacked and we supplied, for the console and the tests. */
export interface HostAdaptation {
  readonly registeredButton: boolean;
  readonly addedToToolGroups: readonly string[];
}

/**
 * Supplies what older hosts' mode API does not: OHIF before 3.13 has no `toolbarButtons` / `toolGroupAdditions`
 * mode properties, so the MedSAM button is not registered and the box tool is not in the tool groups. Runs
 * after the base mode's onModeEnter (which creates the tool groups) and only fills gaps, so on 3.13+ it
 * changes nothing. Capability checks, not version strings.
 */
export function adaptHost(toolbar: HostToolbar): HostAdaptation {
  let registeredButton = false;
  if (typeof toolbar.getButton === 'function' && !toolbar.getButton(BOX_TOOL_NAME)) {
    const register = toolbar.register ?? toolbar.addButtons;
    if (register) {
      register.call(toolbar, [...toolbarButtons]);
      registeredButton = true;
    }
  }
  const addedToToolGroups: string[] = [];
  for (const group of ToolGroupManager.getAllToolGroups()) {
    if (group.hasTool(BOX_TOOL_NAME)) continue;
    group.addTool(BOX_TOOL_NAME);
    group.setToolPassive(BOX_TOOL_NAME);
    addedToToolGroups.push(group.id);
  }
  return { registeredButton, addedToToolGroups };
}
