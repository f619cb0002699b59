/** Shown on the "As new segment" button; one place for the key and its label. */
export const ACCEPT_NEW_SEGMENT_KEY_LABEL = 'Shift+Enter';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Shift+Enter accepts the open preview as a new segment (every new organ needs it). A document listener
 * rather than an OHIF hotkey: OHIF's hotkey definitions moved from the mode to a customization between 3.12
 * and 3.13, and Enter alone stays OHIF's acceptPreview. Returns the function that removes the listener.
 */
export function listenForAcceptNewSegment(hasPreview: () => boolean, acceptAsNew: () => void, doc: Document = document): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || !e.shiftKey || e.ctrlKey || e.altKey || e.metaKey || isTyping(e.target) || !hasPreview()) return;
    e.preventDefault();
    e.stopPropagation();
    acceptAsNew();
  };
  doc.addEventListener('keydown', onKeyDown, true);
  return () => doc.removeEventListener('keydown', onKeyDown, true);
}
