import { BOX_TOOL_NAME } from './id';
import { MEASUREMENT_TOOLS, type MeasurementTool } from './measurement/boxFromMeasurement';
import type { ToolbarButton } from './types/ohif';

export const VIEWPORT_EVALUATOR = 'evaluate.medsam.viewport';

/** The "Measure" button group beside the MedSAM button: the measurements MedSAM segments from. */
export const MEASURE_GROUP_ID = 'MedSamMeasure';

/** The MedSAM button: activates the box tool on the primary mouse button in every tool group. */
const boxButton: ToolbarButton = {
  id: BOX_TOOL_NAME,
  uiType: 'ohif.toolButton',
  props: {
    icon: 'tool-rectangle',
    label: 'MedSAM',
    tooltip: 'MedSAM box: drag a box around an organ or lesion. Enter accepts the result, Esc discards it, Ctrl+Z undoes an accept.',
    commands: 'setToolActiveToolbar',
    evaluate: ['evaluate.cornerstoneTool', VIEWPORT_EVALUATOR],
  },
};

/** OHIF's own icons and words for the three tools (OHIF names each button after its cornerstone tool). */
const MEASURE_LOOK: Record<MeasurementTool, { icon: string; label: string; tooltip: string }> = {
  Bidirectional: { icon: 'tool-bidirectional', label: 'Bidirectional', tooltip: 'Bidirectional (long and short axis)' },
  Length: { icon: 'tool-length', label: 'Length', tooltip: 'Length' },
  RectangleROI: { icon: 'tool-rectangle', label: 'Rectangle', tooltip: 'Rectangle ROI' },
};

/**
 * The measurement tool buttons, for hosts whose mode registers none (OHIF's segmentation mode before 3.13).
 * Where the host has its own button of that id it keeps it: OHIF's toolbar keeps the first button registered.
 */
export const measureToolButtons: ToolbarButton[] = MEASUREMENT_TOOLS.map((tool) => ({
  id: tool,
  uiType: 'ohif.toolButton',
  props: {
    ...MEASURE_LOOK[tool],
    tooltip: `${MEASURE_LOOK[tool].tooltip}: right-click the measurement to segment it with MedSAM`,
    commands: 'setToolActiveToolbar',
    evaluate: 'evaluate.cornerstoneTool',
  },
}));

/** The group: OHIF's split button whose list is the toolbar section of the same id. */
export const measureGroupButton: ToolbarButton = { id: MEASURE_GROUP_ID, uiType: 'ohif.toolButtonList', props: { buttonSection: true } };

/** Everything the mode's `medsam.toolbarButtons` pack registers (the group's section is filled on mode entry). */
export const toolbarButtons: ToolbarButton[] = [boxButton, measureGroupButton, ...measureToolButtons];
