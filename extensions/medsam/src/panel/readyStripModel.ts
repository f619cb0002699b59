import type { PrefetchView } from '../controller/state';
import { describeRanges } from '../prefetch/planSlices';
import { shownNumber, sliderPosition } from '../volume3d/sliceNumbers';

export type CellState = 'ready' | 'pending' | 'none';

export interface ReadyStripModel {
  /** Left to right in the order of the viewport's slider, each covering `per` slices. */
  readonly cells: readonly { readonly state: CellState; readonly current: boolean }[];
  /** "Slice 12: embeddings ready: 11–13 of 40", in the numbers OHIF's overlay shows. */
  readonly text: string;
}

/**
 * What the ready strip shows, in the viewport's own order and numbers: a volume viewport's slider may run
 * against the image list the positions count in (volume3d/sliceNumbers.ts). The mapping is its own inverse.
 */
export function readyStripModel(view: PrefetchView, maxCells: number): ReadyStripModel {
  const per = Math.max(1, Math.ceil(view.total / maxCells));
  const onSlider = (positions: readonly number[]) => positions.map((k) => sliderPosition(view.numbering, k));
  const ready = new Set(onSlider(view.ready));
  const pending = new Set(onSlider(view.pending));
  const current = sliderPosition(view.numbering, view.current);
  const cells = Array.from({ length: Math.ceil(view.total / per) }, (_, c) => {
    const slices = Array.from({ length: Math.min(per, view.total - c * per) }, (_, i) => c * per + i);
    const state: CellState = slices.every((s) => ready.has(s)) ? 'ready' : slices.some((s) => pending.has(s)) ? 'pending' : 'none';
    return { state, current: slices.includes(current) };
  });
  const readyText = ready.size ? `ready: ${describeRanges([...ready])} of ${view.total}` : `none ready yet of ${view.total}`;
  return { cells, text: `Slice ${shownNumber(view.numbering, view.current)}: embeddings ${readyText}` };
}
