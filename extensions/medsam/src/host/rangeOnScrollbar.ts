import { eventTarget, Enums, getRenderingEngines, type Types } from '@cornerstonejs/core';
import { viewportSlices } from '../prefetch/viewportSlices';
import { sliderPosition } from '../volume3d/sliceNumbers';
import type { Store } from '../controller/Store';
import type { Volume3dState } from '../volume3d/state';
import { rangeBand } from './rangeBand';

const MARKER_ATTR = 'data-medsam-range';
/** OHIF's slice scrollbar: 11 px wide with 5 px padding at the right edge and 8 px above and below. */
const SCROLLBAR_RIGHT_PX = 21;
const SCROLLBAR_INSET_PX = 8;

/** The marks as positions in this viewport's own image list (a volume may list the series reversed). */
function marksIn(imageIds: readonly string[], marks: Volume3dState['marks']): { first: number | null; last: number | null } {
  const at = (imageId: string | null | undefined) => (imageId ? imageIds.indexOf(imageId) : -1);
  const first = at(marks.firstImageId);
  const last = at(marks.lastImageId);
  return { first: first >= 0 ? first : null, last: last >= 0 ? last : null };
}

function drawOn(viewport: Types.IViewport, marks: Volume3dState['marks']): void {
  const element = viewport.element;
  let marker = element.querySelector<HTMLDivElement>(`[${MARKER_ATTR}]`);
  const slices = viewportSlices(viewport as Types.IEnabledElement['viewport']);
  const found = slices ? marksIn(slices.imageIds, marks) : { first: null, last: null };
  // A stack's scrollbar runs along its list; a volume viewport's slider along its view direction (sliceNumbers.ts).
  const scroll = (k: number) => (slices ? sliderPosition(slices.numbering, k) : k);
  const positions = [found.first, found.last].filter((k): k is number => k !== null).map(scroll);
  const band = slices && positions.length ? rangeBand(Math.min(...positions), Math.max(...positions), slices.imageIds.length) : null;
  // Only where the element positions its children (OHIF's does), so the band sits beside the scrollbar.
  if (!band || getComputedStyle(element).position === 'static') {
    marker?.remove();
    return;
  }
  if (!marker) {
    marker = document.createElement('div');
    marker.setAttribute(MARKER_ATTR, '');
    marker.setAttribute('data-cy', 'medsam-range-marker');
    Object.assign(marker.style, { position: 'absolute', right: `${SCROLLBAR_RIGHT_PX}px`, width: '4px', minHeight: '2px', borderRadius: '2px', background: 'rgba(255, 215, 0, 0.9)', pointerEvents: 'none', zIndex: '11' });
    element.appendChild(marker);
  }
  const track = `(100% - ${2 * SCROLLBAR_INSET_PX}px)`;
  marker.style.top = `calc(${SCROLLBAR_INSET_PX}px + ${band.top} * ${track})`;
  marker.style.height = `calc(${band.height} * ${track})`;
  // Scrollbar positions (0-based); the title names the images as this viewport's overlay does (from 1).
  marker.dataset.first = String(Math.min(...positions));
  marker.dataset.last = String(Math.max(...positions));
  marker.title = `MedSAM 3D range: images ${Math.min(...positions) + 1} to ${Math.max(...positions) + 1}`;
}

/**
 * The range marked with [ and ] as a gold band beside each viewport's slice scrollbar that shows that series.
 * OHIF's scrollbar takes no decorations, so the band is our own element inside the cornerstone element (which
 * cornerstone, not React, fills), clicks pass through it. Returns the function that removes bands and listeners.
 */
export function showRangeOnScrollbars(store: Store<Volume3dState>): () => void {
  let scheduled = false;
  const update = () => {
    scheduled = false;
    const { marks } = store.getState();
    for (const engine of getRenderingEngines() ?? []) for (const viewport of engine?.getViewports() ?? []) drawOn(viewport, marks);
  };
  // Viewports get their images after these events: draw once the current task is done.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(update, 0);
  };
  let marks = store.getState().marks;
  const unsubscribe = store.subscribe(() => {
    if (store.getState().marks === marks) return;
    marks = store.getState().marks;
    schedule();
  });
  // A viewport's image list is set after its element is enabled, and again when it gets another series.
  const perElement = [Enums.Events.VIEWPORT_NEW_IMAGE_SET, Enums.Events.VOLUME_VIEWPORT_NEW_VOLUME];
  const watched: HTMLDivElement[] = [];
  const watch = (element: HTMLDivElement | undefined) => {
    if (!element || watched.includes(element)) return;
    watched.push(element);
    for (const e of perElement) element.addEventListener(e, schedule);
  };
  const onEnabled = (e: Event) => {
    watch((e as CustomEvent<{ element?: HTMLDivElement }>).detail?.element);
    schedule();
  };
  eventTarget.addEventListener(Enums.Events.ELEMENT_ENABLED, onEnabled);
  for (const engine of getRenderingEngines() ?? []) for (const viewport of engine?.getViewports() ?? []) watch(viewport.element);
  schedule();
  return () => {
    unsubscribe();
    eventTarget.removeEventListener(Enums.Events.ELEMENT_ENABLED, onEnabled);
    for (const element of watched) for (const e of perElement) element.removeEventListener(e, schedule);
    document.querySelectorAll(`[${MARKER_ATTR}]`).forEach((marker) => marker.remove());
  };
}
