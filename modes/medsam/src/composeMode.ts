import { MEDSAM, MODE_ID, ROUTE_NAME } from './ids';
import { isValidMode } from './isValidMode';
import type { LayoutInstance, ModeContext, ModeInstance, Route, ToolBlock } from './types';

const asArray = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/**
 * The box tool and the measurement tools a reader draws the measurements MedSAM segments from (Bidirectional,
 * Length, RectangleROI) are passive in every 2D tool group until a toolbar button makes one the primary tool.
 */
function withMedsamTools(additions: ModeInstance['toolGroupAdditions']): Record<string, readonly ToolBlock[]> {
  const out: Record<string, readonly ToolBlock[]> = { ...(additions ?? {}) };
  const passive = [MEDSAM.toolName, ...MEDSAM.measureTools].map((toolName) => ({ toolName }));
  for (const group of ['default', 'mpr']) out[group] = [...(out[group] ?? []), { passive }];
  return out;
}

/** The layout with the MedSAM panel first on the right (the tab shown on entry). */
function withPanelIn(layout: LayoutInstance): LayoutInstance {
  const rightPanels = [MEDSAM.panel, ...(layout.props.rightPanels ?? []).filter((p) => p !== MEDSAM.panel)];
  return { ...layout, props: { ...layout.props, rightPanels, rightPanelClosed: false } };
}

const isLayout = (v: unknown): v is LayoutInstance => typeof v === 'object' && v !== null && typeof (v as LayoutInstance).props === 'object' && (v as LayoutInstance).props !== null;

/**
 * The base route under our path with the MedSAM panel. OHIF 3.13+ routes carry a `layoutInstance`; older
 * ones (3.11, 3.12) only a `layoutTemplate` function that builds `{ id, props }` when the route opens.
 */
function withPanel(route: Route): Route {
  const { layoutInstance, layoutTemplate } = route;
  if (isLayout(layoutInstance)) return { ...route, path: ROUTE_NAME, layoutInstance: withPanelIn(layoutInstance) };
  if (typeof layoutTemplate !== 'function') throw new Error('the base route has neither a layoutInstance nor a layoutTemplate function');
  return {
    ...route,
    path: ROUTE_NAME,
    layoutTemplate(this: Route, ...args: unknown[]) {
      const layout = layoutTemplate.apply(this, args);
      return isLayout(layout) ? withPanelIn(layout) : layout;
    },
  };
}

/**
 * The MedSAM mode from the segmentation mode's instance: same layout, viewports, tools and toolbar, plus the
 * MedSAM button, tool and panel, and a "Measure" group (Bidirectional, Length, Rectangle) for the measurements
 * MedSAM segments from. `extensionLoadable` says whether OHIF can import the extension by name
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
    toolGroupAdditions: withMedsamTools(base.toolGroupAdditions),
    isValidMode,
    onModeEnter(this: ModeInstance, ctx: ModeContext) {
      base.onModeEnter?.call(this, ctx);
      // Hosts before 3.13 ignore toolbarButtons / toolGroupAdditions: the extension fills the gaps, and on every
      // host fills the "Measure" group with the measurement tools the host's cornerstone has.
      ctx.commandsManager.runCommand(MEDSAM.adaptHostCommand);
      ctx.servicesManager.services.toolbarService.updateSection('primary', [MEDSAM.toolName]);
      ctx.commandsManager.runCommand(MEDSAM.loadModelCommand);
    },
    onModeExit(this: ModeInstance, ctx: ModeContext) {
      base.onModeExit?.call(this, ctx);
    },
  };
}
