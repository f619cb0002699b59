import { utilities } from '@cornerstonejs/core';
import { labelmapEditor, type LabelmapEdit } from './LabelmapEditor';

const OPERATION = 'medsamAccept';

/**
 * Records an accepted MedSAM result in cornerstone's DefaultHistoryMemo: the same history OHIF's Undo/Redo
 * commands (Ctrl+Z / Ctrl+Y) walk, so undoing an accept needs no hotkey of its own. A 3D accept writes one
 * edit per slice and records them as one entry: one undo takes back every slice.
 */
export function recordAccept(edit: LabelmapEdit | readonly LabelmapEdit[], onRestore: (undone: boolean) => void): void {
  const edits: readonly LabelmapEdit[] = Array.isArray(edit) ? edit : [edit as LabelmapEdit];
  utilities.HistoryMemo.DefaultHistoryMemo.push({
    id: utilities.uuidv4(),
    operationType: OPERATION,
    restoreMemo(undo?: boolean) {
      // Undone newest first, redone in the order written (edits of one layer may touch the same voxels).
      if (undo) [...edits].reverse().forEach((e) => labelmapEditor.revert(e));
      else edits.forEach((e) => labelmapEditor.reapply(e));
      onRestore(undo === true);
    },
  });
}

/** Undoes the most recent history entry only if it is a MedSAM accept; false when it was something else. */
export function undoLastAccept(): boolean {
  return utilities.HistoryMemo.DefaultHistoryMemo.undoIf((item) => !Array.isArray(item) && item.operationType === OPERATION);
}
