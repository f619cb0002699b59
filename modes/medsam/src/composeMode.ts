import { MEDSAM, MODE_ID, ROUTE_NAME } from './ids';
import { isValidMode } from './isValidMode';
import type { ModeContext, ModeInstance, Route, ToolBlock } from './types';

const asArray = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** The box tool is passive in every 2D tool group until its toolbar button makes it the primary tool. */
function withBoxTool(additions: ModeInstance['toolGroupAdditions']): Record<string, readonly ToolBlock[]> {
  const out: Record<string, readonly ToolBlock[]> = { ...(additions ?? {}) };
  for (const group of ['default', 'mpr']) out[group] = [...(out[group] ?? []), { passive: [{ toolName: MEDSAM.toolName }] }];
  return out;
}

/** The base route with the MedSAM panel first on the right (the tab shown on entry). */
function withPanel(route: Route): Route {
  const { layoutInstance } = route;
  const rightPanels = [MEDSAM.panel, ...(layoutInstance.props.rightPanels ?? []).filter((p) => p !== MEDSAM.panel)];
  return { ...route, path: ROUTE_NAME, layoutInstance: { ...layoutInstance, props: { ...layoutInstance.props, rightPanels, rightPanelClosed: false } } };
}

/**
 * The MedSAM mode from the segmentation mode's instance: same layout, viewports, tools and toolbar, plus the
 * MedSAM button, tool and panel. `extensionLoadable` says whether OHIF can import the extension by name
 * (a build-time plugin); a run-time extension is registered from app-config and must not be listed, or
 * OHIF would try to import its bare package name when the route opens.
 */
export function composeMode(base: ModeInstance, extensionLoadable: boolean): ModeInstance {
  const [route, ...otherRoutes] = base.routes;
  if (!route) throw new Error(`${base.id} has no route to extend`);
  return {
    ...base,
    id: MODE_ID,
    routeName: ROUTE_NAME,
    displayName: 'MedSAM Segmentation',
    routes: [withPanel(route), ...otherRoutes],
    extensions: extensionLoadable ? { ...base.extensions, [MEDSAM.extensionId]: MEDSAM.extensionVersion } : { ...base.extensions },
    toolbarButtons: [...asArray(base.toolbarButtons), { $reference: MEDSAM.toolbarButtons }],
    toolGroupAdditions: withBoxTool(base.toolGroupAdditions),
    isValidMode,
    onModeEnter(this: ModeInstance, ctx: ModeContext) {
      base.onModeEnter?.call(this, ctx);
      ctx.servicesManager.services.toolbarService.updateSection('primary', [MEDSAM.toolName]);
      ctx.commandsManager.runCommand(MEDSAM.loadModelCommand);
    },
    onModeExit(this: ModeInstance, ctx: ModeContext) {
      base.onModeExit?.call(this, ctx);
    },
  };
}
