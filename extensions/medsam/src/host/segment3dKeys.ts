/** Shown on the panel's buttons; one place for the keys and their labels. */
export const SEGMENT_3D_KEY_LABEL = 'Shift+D';
export const MARK_FIRST_KEY_LABEL = '[';
export const MARK_LAST_KEY_LABEL = ']';
export const COLLECT_KEYS_KEY_LABEL = 'K';
export const SEGMENT_KEYS_KEY_LABEL = 'Shift+K';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export interface Segment3dKeyActions {
  segment3d(): void;
  markFirst(): void;
  markLast(): void;
  /** K: start or end collecting key-slice boxes; Shift+K: segment in 3D from them. */
  collectKeys?(): void;
  segmentKeySlices?(): void;
}

/**
 * Shift+D runs "Segment in 3D"; [ and ] mark the shown image as the range's first and last; K starts or ends
 * collecting key-slice boxes and Shift+K segments from them. A document listener
 * as for Shift+Enter (acceptNewSegmentKey.ts): OHIF's hotkey definitions moved between versions. None of these
 * keys is an OHIF default (its digits are window presets, so not Shift+3; K is free). Returns the function that removes it.
 */
export function listenForSegment3dKeys(actions: Segment3dKeyActions, doc: Document = document): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.altKey || e.metaKey || isTyping(e.target)) return;
    const action =
      e.code === 'KeyD' && e.shiftKey
        ? actions.segment3d
        : e.code === 'KeyK'
          ? e.shiftKey
            ? actions.segmentKeySlices
            : actions.collectKeys
          : e.key === '['
            ? actions.markFirst
            : e.key === ']'
              ? actions.markLast
              : null;
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    action();
  };
  doc.addEventListener('keydown', onKeyDown, true);
  return () => doc.removeEventListener('keydown', onKeyDown, true);
}
