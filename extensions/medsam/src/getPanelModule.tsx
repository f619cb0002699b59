import React from 'react';
import { PANEL_NAME } from './id';
import { getRuntime } from './init';
import { MedSamPanel } from './panel/MedSamPanel';
import { ownReactRoot } from './panel/ownReactRoot';
import type { PanelModuleEntry } from './types/ohif';

export function getPanelModule(): PanelModuleEntry[] {
  const runtime = getRuntime();
  return [
    {
      name: PANEL_NAME,
      iconName: 'tab-segmentation',
      iconLabel: 'MedSAM',
      label: 'MedSAM',
      component: ownReactRoot(() => <MedSamPanel runtime={runtime} />, 'MedSamPanel'),
    },
  ];
}
