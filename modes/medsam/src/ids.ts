/** This mode's id is its npm package name; the rest are the public ids of the MedSAM extension it uses. */
export const MODE_ID = '@medsam-ohif/mode-medsam';
export const ROUTE_NAME = 'medsam';

export const MEDSAM = {
  extensionId: '@medsam-ohif/extension-medsam',
  extensionVersion: '^0.1.0',
  panel: '@medsam-ohif/extension-medsam.panelModule.medsam',
  toolName: 'MedSamBox',
  /** OHIF's measurement tools MedSAM segments from (cornerstone's names, also OHIF's button ids). */
  measureTools: ['Bidirectional', 'Length', 'RectangleROI'],
  toolbarButtons: 'medsam.toolbarButtons',
  loadModelCommand: 'medsamLoadModel',
  adaptHostCommand: 'medsamAdaptHost',
} as const;

export const SEGMENTATION_MODE = '@ohif/mode-segmentation';
