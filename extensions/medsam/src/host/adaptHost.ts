import { state as toolsState, ToolGroupManager } from '@cornerstonejs/tools';
import { BOX_TOOL_NAME } from '../id';
import { MEASUREMENT_TOOLS } from '../measurement/boxFromMeasurement';
import { MEASURE_GROUP_ID, toolbarButtons } from '../toolbarButtons';

/** The parts of OHIF's toolbar service this reads: present in 3.11 to 3.14. */
export interface HostToolbar {
  getButton?(id: string): unknown;
  register?(buttons: unknown[]): void;
  addButtons?(buttons: unknown[]): void;
  /** Appends the ids a section lacks (3.11 to 3.14); creates the section if it has none. */
  updateSection?(key: string, ids: string[]): void;
}

/** The parts of a cornerstone tool group this touches. */
export interface HostToolGroup {
  readonly id: string;
  hasTool(toolName: string): boolean;
  addTool(toolName: string): void;
  setToolPassive(toolName: string): void;
}

/** The host's cornerstone tools: its tool groups, and whether it knows a tool by name (cornerstoneTools.addTool). */
export interface HostTools {
  toolGroups(): readonly HostToolGroup[];
  isRegistered(toolName: string): boolean;
}

const cornerstoneTools: HostTools = {
  toolGroups: () => ToolGroupManager.getAllToolGroups() as unknown as HostToolGroup[],
  isRegistered: (toolName) => !!(toolsState as { tools?: Record<string, unknown> }).tools?.[toolName],
};

/** The 2D tool groups of OHIF's segmentation mode, where a reader draws measurements (not volume3d). */
export const MEASURE_TOOL_GROUPS: readonly string[] = ['default', 'mpr'];

/** What the host lacked and we supplied, for the console and the tests. */
export interface HostAdaptation {
  /** Toolbar buttons registered here (none where the mode's toolbarButtons did it, OHIF 3.13+). */
  readonly registeredButtons: readonly string[];
  /** Tool groups the box tool was added to. */
  readonly addedToToolGroups: readonly string[];
  /** The measurement tools in the "Measure" group: those the host's cornerstone knows. */
  readonly measureTools: readonly string[];
  /** Measurement tools added here, per tool group. */
  readonly measureToolsAdded: Readonly<Record<string, readonly string[]>>;
  /** Measurement tools the host's cornerstone does not know: left out, never added. */
  readonly skippedTools: readonly string[];
}

function addPassive(group: HostToolGroup, toolName: string): boolean {
  if (group.hasTool(toolName)) return false;
  group.addTool(toolName);
  group.setToolPassive(toolName);
  return true;
}

/**
 * Supplies what older hosts' mode API does not: OHIF before 3.13 has no `toolbarButtons` / `toolGroupAdditions`
 * mode properties, so the MedSAM and measurement buttons are not registered and their tools are not in the tool
 * groups. Runs after the base mode's onModeEnter (which creates the tool groups) and only fills gaps, so on
 * 3.13+ it adds little: the "Measure" group's section, the box tool in groups the mode's additions leave out
 * (volume3d). Capability checks, not version strings. A measurement
 * tool the host's cornerstone does not know is left out (and the console says so), never added half-way.
 */
export function adaptHost(toolbar: HostToolbar, tools: HostTools = cornerstoneTools): HostAdaptation {
  const measureTools = MEASUREMENT_TOOLS.filter((t) => tools.isRegistered(t));
  const skippedTools = MEASUREMENT_TOOLS.filter((t) => !measureTools.includes(t));
  if (skippedTools.length) console.warn(`MedSAM: this viewer's cornerstone has no ${skippedTools.join(', ')} tool; the Measure group leaves it out.`);

  const registeredButtons: string[] = [];
  const register = toolbar.register ?? toolbar.addButtons;
  if (typeof toolbar.getButton === 'function' && register) {
    const offered = new Set<string>([BOX_TOOL_NAME, ...(measureTools.length ? [MEASURE_GROUP_ID, ...measureTools] : [])]);
    const missing = toolbarButtons.filter((b) => offered.has(b.id) && !toolbar.getButton!(b.id));
    if (missing.length) {
      register.call(toolbar, missing);
      registeredButtons.push(...missing.map((b) => b.id));
    }
  }
  if (measureTools.length && typeof toolbar.updateSection === 'function') {
    toolbar.updateSection(MEASURE_GROUP_ID, [...measureTools]);
    // Before the MedSAM button, which the mode appends to the same section next.
    toolbar.updateSection('primary', [MEASURE_GROUP_ID]);
  }

  const addedToToolGroups: string[] = [];
  const measureToolsAdded: Record<string, string[]> = {};
  for (const group of tools.toolGroups()) {
    if (addPassive(group, BOX_TOOL_NAME)) addedToToolGroups.push(group.id);
    if (!MEASURE_TOOL_GROUPS.includes(group.id)) continue;
    const added = measureTools.filter((t) => addPassive(group, t));
    if (added.length) measureToolsAdded[group.id] = added;
  }
  return { registeredButtons, addedToToolGroups, measureTools, measureToolsAdded, skippedTools };
}
