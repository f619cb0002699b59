import { BOX_TOOL_NAME } from './id';
import type { ToolbarButton } from './types/ohif';

export const VIEWPORT_EVALUATOR = 'evaluate.medsam.viewport';

/** The MedSAM button: activates the box tool on the primary mouse button in every tool group. */
export const toolbarButtons: ToolbarButton[] = [
  {
    id: BOX_TOOL_NAME,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'tool-rectangle',
      label: 'MedSAM',
      tooltip: 'MedSAM box: drag a box around an organ or lesion. Enter accepts the result, Esc discards it, Ctrl+Z undoes an accept.',
      commands: 'setToolActiveToolbar',
      evaluate: ['evaluate.cornerstoneTool', VIEWPORT_EVALUATOR],
    },
  },
];
