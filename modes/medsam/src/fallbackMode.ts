import type { LayoutInstance, ModeContext, ModeInstance, Route } from './types';

/**
 * A replica of OHIF 3.13's segmentation mode layout, for viewers built without @ohif/mode-segmentation:
 * series list on the left, labelmap segmentation panel on the right, cornerstone and DICOM-SEG viewports,
 * the cornerstone extension's toolbar packs and a default tool group.
 */
const ohif = {
  layout: '@ohif/extension-default.layoutTemplateModule.viewerLayout',
  stack: '@ohif/extension-default.sopClassHandlerModule.stack',
  seriesList: '@ohif/extension-default.panelModule.seriesList',
};
const cornerstone = {
  viewport: '@ohif/extension-cornerstone.viewportModule.cornerstone',
  labelmapPanel: '@ohif/extension-cornerstone.panelModule.panelSegmentationWithToolsLabelMap',
  tools: '@ohif/extension-cornerstone.utilityModule.tools',
};
const seg = {
  viewport: '@ohif/extension-cornerstone-dicom-seg.viewportModule.dicom-seg',
  sopClassHandler: '@ohif/extension-cornerstone-dicom-seg.sopClassHandlerModule.dicom-seg',
};

interface ToolsUtility {
  exports: { toolNames: Record<string, string>; Enums: { MouseBindings: Record<string, number> } };
}

interface FallbackServices {
  toolGroupService: { createToolGroupAndAddTools(id: string, tools: unknown): void; addToolsToToolGroup(id: string, tools: unknown): void; getToolGroup(id: string): unknown };
  toolbarService: { register(buttons: unknown[]): void; updateSection(key: string, ids: string[]): void };
  customizationService: { getCustomization(key: string): unknown };
}

const asArray = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function layoutTemplate(this: Route): unknown {
  const layout = this.layoutInstance ?? layoutInstance;
  return { ...layout, props: { ...layout.props } };
}

const layoutInstance: LayoutInstance = {
  id: ohif.layout,
  props: {
    leftPanels: [ohif.seriesList],
    leftPanelResizable: true,
    rightPanels: [cornerstone.labelmapPanel],
    rightPanelResizable: true,
    viewports: [
      { namespace: cornerstone.viewport, displaySetsToDisplay: [ohif.stack] },
      { namespace: seg.viewport, displaySetsToDisplay: [seg.sopClassHandler] },
    ],
  },
};

export function fallbackModeInstance(): ModeInstance {
  return {
    id: 'medsam-fallback-base',
    routeName: 'medsam',
    displayName: 'MedSAM Segmentation',
    routes: [{ path: 'medsam', layoutTemplate, layoutInstance }],
    extensions: {
      '@ohif/extension-default': '^3.0.0',
      '@ohif/extension-cornerstone': '^3.0.0',
      '@ohif/extension-cornerstone-dicom-seg': '^3.0.0',
    },
    sopClassHandlers: [seg.sopClassHandler, ohif.stack],
    hangingProtocol: 'default',
    toolbarButtons: [{ $reference: 'cornerstone.toolbarButtons' }, { $reference: 'cornerstone.segmentationToolbarButtons' }],
    toolbarSections: [{ $reference: 'cornerstone.segmentationModeToolbarSections' }, { $reference: 'cornerstone.segmentationToolbarSections' }],
    toolGroupAdditions: { default: [] },
    onModeEnter(this: ModeInstance, ctx: ModeContext) {
      const services = ctx.servicesManager.services as unknown as FallbackServices;
      const extensionManager = ctx.extensionManager as { getModuleEntry(id: string): ToolsUtility };
      const { toolNames, Enums } = extensionManager.getModuleEntry(cornerstone.tools).exports;
      services.toolGroupService.createToolGroupAndAddTools('default', {
        active: [
          { toolName: toolNames.WindowLevel, bindings: [{ mouseButton: Enums.MouseBindings.Primary }] },
          { toolName: toolNames.Pan, bindings: [{ mouseButton: Enums.MouseBindings.Auxiliary }] },
          { toolName: toolNames.Zoom, bindings: [{ mouseButton: Enums.MouseBindings.Secondary }] },
          { toolName: toolNames.StackScroll, bindings: [{ mouseButton: Enums.MouseBindings.Wheel }] },
        ],
      });
      const { customizationService, toolbarService, toolGroupService } = services;
      toolbarService.register(asArray(customizationService.getCustomization('toolbarButtons')));
      const sections = Object.assign({}, ...asArray(customizationService.getCustomization('toolbarSections'))) as Record<string, string[]>;
      for (const [key, ids] of Object.entries(sections)) toolbarService.updateSection(key, ids);
      const additions = (customizationService.getCustomization('toolGroupAdditions') ?? {}) as Record<string, unknown[]>;
      for (const [groupId, blocks] of Object.entries(additions)) {
        if (toolGroupService.getToolGroup(groupId)) for (const block of asArray(blocks)) toolGroupService.addToolsToToolGroup(groupId, block);
      }
    },
    onModeExit(ctx: ModeContext) {
      const services = ctx.servicesManager.services as unknown as Record<string, { destroy?: () => void } | undefined>;
      for (const name of ['toolGroupService', 'syncGroupService', 'segmentationService', 'cornerstoneViewportService']) services[name]?.destroy?.();
    },
  };
}
