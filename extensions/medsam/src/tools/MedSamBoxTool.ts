import { getEnabledElement, utilities as csUtils, type Types } from '@cornerstonejs/core';
import type { Box } from '@medsam-ohif/core';
import { cursors, drawing, Enums, LabelmapBaseTool, utilities, type Types as ToolTypes } from '@cornerstonejs/tools';
import { BOX_TOOL_NAME } from '../id';
import { boxOnViewportImage, type BoxOnImage } from './viewportImage';

/** What the tool reports when a box is completed. */
export interface BoxCompleted extends BoxOnImage {
  readonly viewportId: string;
  /** Date.now() at mouse-up: where the reader's wait starts. */
  readonly releasedAt?: number;
}

/** Behaviour the tool delegates (set through its configuration). */
export interface MedSamBoxToolConfiguration {
  /** Called with the box in image pixels once the drag ends. */
  onBoxCompleted?: (box: BoxCompleted) => void;
  /** Called as the box is dragged (the live mask); must not block. */
  onBoxMoved?: (box: BoxCompleted) => void;
  /** Called when the box cannot be mapped to an image (e.g. a reformatted viewport). */
  onBoxError?: (error: unknown) => void;
  /** OHIF's acceptPreview command (Enter) and rejectPreview / cancelActiveOperation (Esc) land here. */
  onAccept?: () => void;
  onReject?: () => void;
  /** Whether a MedSAM preview is waiting for Enter/Esc (the preview lives in the controller, not the tool). */
  hasPreview?: () => boolean;
  /** Colour of the box while it is drawn. */
  color?: string;
  /** Key-slice boxes kept on an image (image pixels), drawn whenever that image is shown. */
  keyBoxesOn?: (imageId: string) => readonly Box[];
}

const KEY_BOX_COLOR = 'rgb(0, 200, 255)';

interface DrawState {
  readonly element: HTMLDivElement;
  readonly viewportIdsToRender: string[];
  readonly start: Types.Point3;
  end: Types.Point3;
  moved: boolean;
}

type InteractionEvent = ToolTypes.EventTypes.InteractionEventType;

const defaultProps = (configuration: MedSamBoxToolConfiguration): ToolTypes.ToolProps => ({
  supportedInteractionTypes: ['Mouse', 'Touch'],
  configuration: { color: 'rgb(255, 215, 0)', ...configuration },
});

/**
 * The MedSAM box prompt: drag a rectangle on a stack viewport, or a volume viewport in the acquisition plane.
 * It keeps no annotation: when the drag ends it hands the box (image pixels + imageId) to its configured
 * handler and clears the drawing. It extends LabelmapBaseTool so that OHIF's own Enter/Esc preview hotkeys
 * (acceptPreview, cancelActiveOperation) reach it, as they reach cornerstone's AI tools.
 */
export class MedSamBoxTool extends LabelmapBaseTool {
  static override toolName = BOX_TOOL_NAME;
  private drawState: DrawState | null = null;

  constructor(toolProps: ToolTypes.PublicToolProps = {}, defaultToolProps: ToolTypes.ToolProps = defaultProps({})) {
    super(toolProps, defaultToolProps);
  }

  private get settings(): MedSamBoxToolConfiguration {
    return this.configuration as MedSamBoxToolConfiguration;
  }

  preMouseDownCallback = (evt: InteractionEvent): boolean => {
    if (this.drawState) return true;
    const { element, currentPoints } = evt.detail;
    const start = [...currentPoints.world] as Types.Point3;
    this.drawState = {
      element: element as HTMLDivElement,
      viewportIdsToRender: utilities.viewportFilters.getViewportIdsWithToolToRender(element, this.getToolName()),
      start,
      end: start,
      moved: false,
    };
    this.listen(element, true);
    cursors.elementCursor.hideElementCursor(element);
    evt.preventDefault();
    return true;
  };

  private onDrag = (evt: InteractionEvent): void => {
    const state = this.drawState;
    if (!state) return;
    state.end = [...evt.detail.currentPoints.world] as Types.Point3;
    state.moved = true;
    utilities.triggerAnnotationRenderForViewportIds(state.viewportIdsToRender);
    const onMoved = this.settings.onBoxMoved;
    const enabled = onMoved && getEnabledElement(evt.detail.element);
    if (!onMoved || !enabled) return;
    try {
      onMoved({ ...boxOnViewportImage(enabled.viewport, state.start, state.end), viewportId: enabled.viewport.id });
    } catch {
      // not mappable (yet): mouse-up reports it
    }
  };

  private onEnd = (evt: InteractionEvent): void => {
    const releasedAt = Date.now();
    const state = this.drawState;
    if (!state) return;
    this.drawState = null;
    this.listen(state.element, false);
    cursors.elementCursor.resetElementCursor(state.element);
    utilities.triggerAnnotationRenderForViewportIds(state.viewportIdsToRender);
    if (!state.moved) return;
    const enabled = getEnabledElement(evt.detail.element);
    if (!enabled) return;
    try {
      const box = boxOnViewportImage(enabled.viewport, state.start, state.end);
      this.settings.onBoxCompleted?.({ ...box, viewportId: enabled.viewport.id, releasedAt });
    } catch (e) {
      this.settings.onBoxError?.(e);
    }
  };

  private listen(element: HTMLDivElement, on: boolean): void {
    const method = on ? element.addEventListener.bind(element) : element.removeEventListener.bind(element);
    const E = Enums.Events;
    for (const type of [E.MOUSE_DRAG, E.MOUSE_MOVE, E.TOUCH_DRAG]) method(type, this.onDrag as EventListener);
    for (const type of [E.MOUSE_UP, E.MOUSE_CLICK, E.TOUCH_END, E.TOUCH_TAP]) method(type, this.onEnd as EventListener);
  }

  /** The key boxes of the shown image, solid, so the reader sees which slices carry one. */
  private renderKeyBoxes(enabledElement: Types.IEnabledElement, svgDrawingHelper: ToolTypes.SVGDrawingHelper): boolean {
    const { viewport } = enabledElement;
    const imageId = this.settings.keyBoxesOn && 'getCurrentImageId' in viewport ? viewport.getCurrentImageId() : undefined;
    const boxes = imageId ? this.settings.keyBoxesOn!(imageId) : [];
    boxes.forEach((b, i) => {
      // Image pixel centres sit at integers; imageToWorldCoords counts from the first pixel's corner.
      const corner = (x: number, y: number) => viewport.worldToCanvas(csUtils.imageToWorldCoords(imageId!, [x + 0.5, y + 0.5]) as Types.Point3);
      drawing.drawRect(svgDrawingHelper, 'medsam-key-box', String(i), corner(b.x0, b.y0), corner(b.x1, b.y1), { color: KEY_BOX_COLOR, lineWidth: 2 });
    });
    return boxes.length > 0;
  }

  renderAnnotation = (enabledElement: Types.IEnabledElement, svgDrawingHelper: ToolTypes.SVGDrawingHelper): boolean => {
    const drewKeys = this.renderKeyBoxes(enabledElement, svgDrawingHelper);
    const state = this.drawState;
    if (!state || !state.moved || enabledElement.viewport.element !== state.element) return drewKeys;
    const { viewport } = enabledElement;
    drawing.drawRect(svgDrawingHelper, 'medsam-box', '0', viewport.worldToCanvas(state.start), viewport.worldToCanvas(state.end), {
      color: this.settings.color ?? 'rgb(255, 215, 0)',
      lineDash: '4,4',
      lineWidth: 2,
    });
    return true;
  };

  /**
   * OHIF before 3.12 (cornerstone 4.x) sends Enter/Esc only to tools that say they have a preview, which
   * cornerstone decides from its own preview buffer; ours is the controller's.
   */
  override shouldResolvePreviewRequests(): boolean {
    return (this.mode === 'Active' || this.mode === 'Enabled') && this.settings.hasPreview?.() === true;
  }

  override acceptPreview(): void {
    this.settings.onAccept?.();
  }

  override rejectPreview(): void {
    this.settings.onReject?.();
  }
}

/**
 * The tool class with its behaviour as default configuration: OHIF's tool groups add tools by name with
 * JSON-only configuration, so the handlers travel with the class registered through addTool.
 */
export function medSamBoxToolWith(configuration: MedSamBoxToolConfiguration): typeof MedSamBoxTool {
  return class ConfiguredMedSamBoxTool extends MedSamBoxTool {
    constructor(toolProps: ToolTypes.PublicToolProps = {}) {
      super(toolProps, defaultProps(configuration));
    }
  };
}
