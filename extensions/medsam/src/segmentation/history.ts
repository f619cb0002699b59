import { utilities } from '@cornerstonejs/core';
import { labelmapEditor, type LabelmapEdit } from './LabelmapEditor';

const OPERATION = 'medsamAccept';

/**
 * Records an accepted MedSAM result in cornerstone's DefaultHistoryMemo: the same history OHIF's Undo/Redo
 * commands (Ctrl+Z / Ctrl+Y) walk, so undoing an accept needs no hotkey of its own.
 */
export function recordAccept(edit: LabelmapEdit, onRestore: (undone: boolean) => void): void {
  utilities.HistoryMemo.DefaultHistoryMemo.push({
    id: utilities.uuidv4(),
    operationType: OPERATION,
    restoreMemo(undo?: boolean) {
      if (undo) labelmapEditor.revert(edit);
      else labelmapEditor.reapply(edit);
      onRestore(undo === true);
    },
  });
}

/** Undoes the most recent history entry only if it is a MedSAM accept; false when it was something else. */
export function undoLastAccept(): boolean {
  return utilities.HistoryMemo.DefaultHistoryMemo.undoIf((item) => !Array.isArray(item) && item.operationType === OPERATION);
}
