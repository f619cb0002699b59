/** The extension id is the npm package name (OHIF's rule for build-time plugins). */
export const EXTENSION_ID = '@medsam-ohif/extension-medsam';

/** The cornerstone3D tool name; also the toolbar button id (setToolActiveToolbar uses the button id). */
export const BOX_TOOL_NAME = 'MedSamBox';

export const PANEL_NAME = 'medsam';
export const PANEL_ID = `${EXTENSION_ID}.panelModule.${PANEL_NAME}`;

/** Customization keys the extension registers (default scope) for modes to reference. */
export const CUSTOMIZATION = {
  toolbarButtons: 'medsam.toolbarButtons',
} as const;

/** Command names: unique across OHIF's command registry. */
export const COMMANDS = {
  segmentBox: 'medsamSegmentBox',
  accept: 'medsamAccept',
  reject: 'medsamReject',
  clear: 'medsamClear',
  undo: 'medsamUndo',
  loadModel: 'medsamLoadModel',
  setModel: 'medsamSetModel',
  setBackends: 'medsamSetBackends',
  getState: 'medsamGetState',
  adaptHost: 'medsamAdaptHost',
  segment3d: 'medsamSegment3d',
  segmentMeasurement: 'medsamSegmentMeasurement',
  cancel3d: 'medsamCancel3d',
  mark3dFirst: 'medsamMark3dFirst',
  mark3dLast: 'medsamMark3dLast',
  get3dState: 'medsamGet3dState',
  segmentKeySlices: 'medsamSegmentKeySlices',
  collectKeySlices: 'medsamCollectKeySlices',
  clearKeySlices: 'medsamClearKeySlices',
} as const;
