import { guardInAppNavigation, leaveQuestion, type LeaveGuardHost } from './navigationGuard';

/** A browser's session history, as far as the guard and a router use it: pushState moves the address. */
function fakeWindow(start: string, answers: boolean[]) {
  const entries: { url: string; state: unknown }[] = [{ url: start, state: null }];
  let index = 0;
  const popListeners: ((e: PopStateEvent) => void)[] = [];
  const asked: string[] = [];
  const history = {
    get state() {
      return entries[index].state;
    },
    pushState(state: unknown, _unused: string, url?: string | URL | null) {
      entries.splice(index + 1);
      entries.push({ url: new URL(String(url ?? entries[index].url), entries[index].url).href, state });
      index++;
    },
    replaceState(state: unknown, _unused: string, url?: string | URL | null) {
      entries[index] = { url: new URL(String(url ?? entries[index].url), entries[index].url).href, state };
    },
  };
  const host: LeaveGuardHost = {
    history: history as unknown as History,
    location: {
      get href() {
        return entries[index].url;
      },
      get pathname() {
        return new URL(entries[index].url).pathname;
      },
    },
    addEventListener: (_t, l) => popListeners.push(l),
    removeEventListener: (_t, l) => popListeners.splice(popListeners.indexOf(l), 1),
    confirm: (message) => {
      asked.push(message);
      return answers.shift() ?? false;
    },
  };
  /** The browser's back button: the address changes, then popstate; true when a later listener (the router) heard it. */
  const back = () => {
    index--;
    let heard = true;
    const event = { stopImmediatePropagation: () => (heard = false) } as unknown as PopStateEvent;
    for (const l of [...popListeners]) l(event);
    return heard;
  };
  return { host, history, asked, back, url: () => entries[index].url, popListeners };
}

describe('guardInAppNavigation', () => {
  const viewer = 'http://viewer/medsam?StudyInstanceUIDs=1.2.3';

  it('lets everything through while nothing is unsaved', () => {
    const w = fakeWindow(viewer, []);
    guardInAppNavigation(() => 0, w.host);
    w.host.history.pushState(null, '', '/');
    expect(w.url()).toBe('http://viewer/');
    expect(w.asked).toEqual([]);
  });

  it('asks before the back arrow to the study list: Cancel stays, OK leaves', () => {
    const w = fakeWindow(viewer, [false, true]);
    guardInAppNavigation(() => 2, w.host);
    w.host.history.pushState({ idx: 1 }, '', '/?datasources=dicomweb');
    expect(w.url()).toBe(viewer);
    expect(w.asked).toEqual(['You have 2 MedSAM segments not saved to the PACS. Leave anyway?']);
    w.host.history.pushState({ idx: 1 }, '', '/viewer?StudyInstanceUIDs=1.2.3'); // a mode change
    expect(w.url()).toBe('http://viewer/viewer?StudyInstanceUIDs=1.2.3');
    expect(w.asked).toHaveLength(2);
  });

  it('never asks for address changes inside the mode (query, hash)', () => {
    const w = fakeWindow(viewer, []);
    guardInAppNavigation(() => 1, w.host);
    w.host.history.replaceState(null, '', '/medsam?StudyInstanceUIDs=1.2.3&hangingProtocolId=mpr');
    w.host.history.pushState(null, '', '#x');
    w.host.history.pushState(null, '');
    expect(w.asked).toEqual([]);
    expect(w.url()).toBe('http://viewer/medsam?StudyInstanceUIDs=1.2.3&hangingProtocolId=mpr#x');
  });

  it("the browser's back button: Cancel hides it from the router and puts the address back", () => {
    const w = fakeWindow('http://viewer/', [false, true]);
    w.history.pushState({ idx: 1 }, '', viewer); // opened the study from the list
    guardInAppNavigation(() => 1, w.host);
    const routerHeard = w.back();
    expect(routerHeard).toBe(false);
    expect(w.url()).toBe(viewer);
    expect(w.history.state).toEqual({ idx: 1 });
    expect(w.back()).toBe(true); // OK: the router takes it to the study list
    expect(w.url()).toBe('http://viewer/');
  });

  it('stops guarding once removed and gives history its own methods back', () => {
    const w = fakeWindow(viewer, []);
    const push = w.history.pushState;
    const stop = guardInAppNavigation(() => 1, w.host);
    expect(w.history.pushState).not.toBe(push);
    stop();
    expect(w.history.pushState).toBe(push);
    expect(w.popListeners).toHaveLength(0);
    w.host.history.pushState(null, '', '/');
    expect(w.asked).toEqual([]);
  });

  it('a history it cannot wrap leaves the host alone and says why', () => {
    const w = fakeWindow(viewer, []);
    Object.freeze(w.history);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => guardInAppNavigation(() => 1, w.host)).not.toThrow();
    expect(warn.mock.calls[0][0]).toMatch(/will not ask first inside the app/);
    expect(w.popListeners).toHaveLength(0);
    warn.mockRestore();
  });

  it('names one segment in the singular', () => {
    expect(leaveQuestion(1)).toBe('You have 1 MedSAM segment not saved to the PACS. Leave anyway?');
  });
});
