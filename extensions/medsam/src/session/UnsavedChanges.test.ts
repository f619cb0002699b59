import { askBeforeLeaving, UnsavedChanges } from './UnsavedChanges';

describe('UnsavedChanges', () => {
  it('counts changed segments per segmentation until a save clears it', () => {
    const u = new UnsavedChanges();
    expect(u.any()).toBe(false);
    u.mark('seg', 1);
    u.mark('seg', 3);
    u.mark('seg', 1);
    u.mark('other', 2);
    expect(u.changedSegments('seg')).toEqual([1, 3]);
    u.saved('seg', [1]); // 3 was accepted while the save ran
    expect(u.changedSegments('seg')).toEqual([3]);
    u.saved('seg', [3]);
    expect(u.changedSegments('seg')).toEqual([]);
    expect(u.any()).toBe(true);
    u.saved('other', [2]);
    expect(u.any()).toBe(false);
  });

  it('beforeunload asks only while something is unsaved', () => {
    const u = new UnsavedChanges();
    const listeners: ((e: { preventDefault(): void; returnValue?: string }) => void)[] = [];
    const target = { addEventListener: (_: string, l: never) => listeners.push(l), removeEventListener: jest.fn() };
    const stop = askBeforeLeaving(u, target as unknown as Window);
    const event = () => ({ preventDefault: jest.fn(), returnValue: undefined as string | undefined });
    const clean = event();
    listeners[0](clean);
    expect(clean.preventDefault).not.toHaveBeenCalled();
    u.mark('seg', 1);
    const dirty = event();
    listeners[0](dirty);
    expect(dirty.preventDefault).toHaveBeenCalled();
    stop();
    expect(target.removeEventListener).toHaveBeenCalledWith('beforeunload', listeners[0]);
  });
});

describe('UnsavedChanges for drafts and the leave prompt', () => {
  it('reports every edit, counts over segmentations, and forgets all on mode exit', () => {
    const u = new UnsavedChanges();
    const edits: string[] = [];
    const stop = u.onEdit((id) => edits.push(id));
    u.mark('seg', 1);
    u.mark('seg', 1); // a second accept into the same segment is an edit too
    u.mark('other', 4);
    expect(edits).toEqual(['seg', 'seg', 'other']);
    expect(u.count()).toBe(2);
    u.saved('seg', [1]);
    expect(edits).toHaveLength(4);
    expect(u.count()).toBe(1);
    u.forgetAll();
    expect(u.count()).toBe(0);
    expect(u.any()).toBe(false);
    stop();
    u.mark('seg', 2);
    expect(edits).toHaveLength(4);
  });
});
