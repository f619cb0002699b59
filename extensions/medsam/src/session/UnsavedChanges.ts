import { Store } from '../controller/Store';

/** Per segmentation, the segment indices changed (accepted, undone, redone) since its last successful save. */
export type UnsavedState = Readonly<Record<string, readonly number[]>>;

/**
 * The one place that knows what has not been saved yet: every MedSAM accept and every undo/redo of one marks
 * its segment, a successful save clears its segmentation. The panel reads it ("2 segments changed since the
 * last save"), and leaving the page asks first while anything is unsaved.
 */
export class UnsavedChanges {
  readonly state = new Store<UnsavedState>({});
  private readonly editListeners = new Set<(segmentationId: string) => void>();

  mark(segmentationId: string, segmentIndex: number): void {
    this.state.update((s) => {
      const current = s[segmentationId] ?? [];
      return current.includes(segmentIndex) ? {} : { [segmentationId]: [...current, segmentIndex].sort((a, b) => a - b) };
    });
    this.edited(segmentationId);
  }

  /** After a successful save: `stored` are the changes the save started from (later ones stay unsaved). */
  saved(segmentationId: string, stored: readonly number[]): void {
    this.state.update((s) => ({ [segmentationId]: (s[segmentationId] ?? []).filter((i) => !stored.includes(i)) }));
    this.edited(segmentationId);
  }

  /**
   * Every mark and save, even when the set of changed segments stays the same (a second accept into a segment
   * already changed): the local draft is rewritten after each.
   */
  onEdit(listener: (segmentationId: string) => void): () => void {
    this.editListeners.add(listener);
    return () => this.editListeners.delete(listener);
  }

  /** OHIF destroys every segmentation on mode exit: nothing of them is left to save (their drafts stay). */
  forgetAll(): void {
    this.state.update((s) => Object.fromEntries(Object.keys(s).map((id) => [id, []])));
  }

  /** Unsaved segments over all segmentations (the leave prompt names the number). */
  count(): number {
    return Object.values(this.state.getState()).reduce((n, indices) => n + indices.length, 0);
  }

  private edited(segmentationId: string): void {
    for (const listener of [...this.editListeners]) listener(segmentationId);
  }

  changedSegments(segmentationId: string | null): readonly number[] {
    return segmentationId ? (this.state.getState()[segmentationId] ?? []) : [];
  }

  any(): boolean {
    return Object.values(this.state.getState()).some((indices) => indices.length > 0);
  }
}

/**
 * While anything is unsaved, leaving the page (reload, tab close, typing another address) asks first: the
 * browser shows its own "Leave site?" prompt. Returns the function that stops asking.
 */
export function askBeforeLeaving(unsaved: UnsavedChanges, target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window): () => void {
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!unsaved.any()) return;
    e.preventDefault();
    e.returnValue = ''; // older Chromium needs it set
  };
  target.addEventListener('beforeunload', onBeforeUnload);
  return () => target.removeEventListener('beforeunload', onBeforeUnload);
}
