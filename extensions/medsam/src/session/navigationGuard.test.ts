import { guardInAppNavigation, leaveQuestion, RETURN_BUTTON_SELECTOR, type LeaveGuardHost } from './navigationGuard';

/** A browser's session history, as far as the guard and a router use it: pushState moves the address. */
function fakeWindow(start: string, answers: boolean[]) {
  const entries: { url: string; state: unknown }[] = [{ url: start, state: null }];
  let index = 0;
  const popListeners: ((e: Event) => void)[] = [];
  const clickListeners: ((e: Event) => void)[] = [];
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
    addEventListener: (t, l) => void (t === 'popstate' ? popListeners : clickListeners).push(l),
    removeEventListener: (t, l) => {
      const list = t === 'popstate' ? popListeners : clickListeners;
      list.splice(list.indexOf(l), 1);
    },
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
  /** A click on an element matching `selector` (or not); true when it reached the page (React). */
  const click = (selector: string | null) => {
    let reached = true;
    const target = { closest: (s: string) => (s === selector ? {} : null) };
    const event = { target, stopPropagation: () => (reached = false), preventDefault: () => undefined } as unknown as Event;
    for (const l of [...clickListeners]) l(event);
    return reached;
  };
  return { host, history, asked, back, click, url: () => entries[index].url, popListeners, clickListeners };
}

describe('guardInAppNavigation', () => {
  const viewer = 'http://viewer/medsam?StudyInstanceUIDs=1.2.3';

  it('lets everything through while nothing is unsaved', () => {
    const w = fakeWindow(viewer, []);
    guardInAppNavigation(() => 0, w.host);
    w.host.history.pushState(null, '', '/');
    expect(w.url()).toBe('http://viewer/');
    expect(w.click(RETURN_BUTTON_SELECTOR)).toBe(true);
    expect(w.asked).toEqual([]);
  });

  it("OHIF's back arrow: Cancel stops the click before the page sees it; OK lets it and its navigation through, asking once", () => {
    jest.useFakeTimers();
    const w = fakeWindow(viewer, [false, true]);
    guardInAppNavigation(() => 2, w.host);
    expect(w.click(RETURN_BUTTON_SELECTOR)).toBe(false);
    expect(w.asked).toEqual(['You have 2 MedSAM segments not saved to the PACS. Leave anyway?']);
    expect(w.click(RETURN_BUTTON_SELECTOR)).toBe(true);
    w.host.history.pushState({ idx: 1 }, '', '/?datasources=dicomweb'); // what OHIF's handler does next
    expect(w.url()).toBe('http://viewer/?datasources=dicomweb');
    expect(w.asked).toHaveLength(2);
    expect(w.click(null)).toBe(true); // other clicks are none of its business
    expect(w.asked).toHaveLength(2);
    jest.useRealTimers();
  });

  it('another route change (a mode change): Cancel aborts it with the one error the router lets through, OK goes', () => {
    const w = fakeWindow(viewer, [false, true]);
    guardInAppNavigation(() => 1, w.host);
    expect(() => w.host.history.pushState({ idx: 1 }, '', '/viewer?StudyInstanceUIDs=1.2.3')).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
    expect(w.url()).toBe(viewer);
    w.host.history.pushState({ idx: 1 }, '', '/viewer?StudyInstanceUIDs=1.2.3');
    expect(w.url()).toBe('http://viewer/viewer?StudyInstanceUIDs=1.2.3');
    expect(w.asked).toEqual(['You have 1 MedSAM segment not saved to the PACS. Leave anyway?', 'You have 1 MedSAM segment not saved to the PACS. Leave anyway?']);
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
    expect(w.clickListeners).toHaveLength(0);
    w.host.history.pushState(null, '', '/');
    expect(w.asked).toEqual([]);
  });

  it('a history it cannot wrap leaves the host alone and says why', () => {
    const w = fakeWindow(viewer, []);
    Object.freeze(w.history);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => guardInAppNavigation(() => 1, w.host)).not.toThrow();
    expect(warn.mock.calls[0][0]).toMatch(/only the back arrow, reload and tab close will ask/);
    expect(w.popListeners).toHaveLength(0);
    expect(w.click(RETURN_BUTTON_SELECTOR)).toBe(false); // the back arrow still asks
    warn.mockRestore();
  });

  it('names one segment in the singular', () => {
    expect(leaveQuestion(1)).toBe('You have 1 MedSAM segment not saved to the PACS. Leave anyway?');
  });
});
