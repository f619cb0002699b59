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
