import type { ExtensionParams, ToolbarEvaluator } from './types/ohif';
import { VIEWPORT_EVALUATOR } from './toolbarButtons';

interface ViewportLike {
  readonly type?: string;
}

/** The box tool needs a 2D cornerstone viewport (stack, or a volume slice); 3D and non-image views disable it. */
export function getToolbarModule({ servicesManager }: ExtensionParams): ToolbarEvaluator[] {
  const { cornerstoneViewportService } = servicesManager.services;
  return [
    {
      name: VIEWPORT_EVALUATOR,
      evaluate: ({ viewportId }) => {
        const viewport = viewportId ? (cornerstoneViewportService.getCornerstoneViewport(viewportId) as ViewportLike | null) : null;
        if (viewport?.type === 'stack' || viewport?.type === 'orthographic') return undefined;
        return { disabled: true, disabledText: 'MedSAM works on 2D image viewports' };
      },
    },
  ];
}
