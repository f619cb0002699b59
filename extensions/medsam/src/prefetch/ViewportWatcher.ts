import { Enums as CoreEnums, eventTarget, getEnabledElements } from '@cornerstonejs/core';
import { Enums as ToolEnums } from '@cornerstonejs/tools';

interface ElementDetail {
  readonly element?: HTMLDivElement;
  readonly viewportId?: string;
}

/**
 * Tells when any viewport shows another image (stack scroll, volume slice) and when a tool changes mode.
 * Cornerstone fires new-image events on each viewport's element, not globally, so every enabled element
 * is watched, including those enabled later (layout changes, MPR).
 */
export class ViewportWatcher {
  private readonly watched = new Map<HTMLDivElement, () => void>();
  private off: (() => void)[] = [];

  constructor(private readonly onChange: (viewportId: string | null) => void) {}

  start(): void {
    if (this.off.length) return;
    for (const enabled of getEnabledElements()) this.watch(enabled.viewport.element as HTMLDivElement, enabled.viewportId);
    const enabled = (e: Event) => {
      const d = (e as CustomEvent<ElementDetail>).detail;
      if (d?.element && d.viewportId) this.watch(d.element, d.viewportId);
    };
    const disabled = (e: Event) => {
      const element = (e as CustomEvent<ElementDetail>).detail?.element;
      if (element) this.unwatch(element);
      this.onChange(null);
    };
    const toolMode = () => this.onChange(null);
    const on = (type: string, fn: EventListener) => {
      eventTarget.addEventListener(type, fn);
      this.off.push(() => eventTarget.removeEventListener(type, fn));
    };
    on(CoreEnums.Events.ELEMENT_ENABLED, enabled);
    on(CoreEnums.Events.ELEMENT_DISABLED, disabled);
    on(ToolEnums.Events.TOOL_MODE_CHANGED, toolMode);
  }

  stop(): void {
    this.off.forEach((f) => f());
    this.off = [];
    for (const element of [...this.watched.keys()]) this.unwatch(element);
  }

  private watch(element: HTMLDivElement, viewportId: string): void {
    this.unwatch(element);
    const listener = () => this.onChange(viewportId);
    const types = [CoreEnums.Events.STACK_NEW_IMAGE, CoreEnums.Events.VOLUME_NEW_IMAGE];
    types.forEach((t) => element.addEventListener(t, listener));
    this.watched.set(element, () => types.forEach((t) => element.removeEventListener(t, listener)));
  }

  private unwatch(element: HTMLDivElement): void {
    this.watched.get(element)?.();
    this.watched.delete(element);
  }
}
