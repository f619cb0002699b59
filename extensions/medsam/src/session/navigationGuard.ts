/**
 * In-app navigation away from the mode while segments are unsaved asks first: OHIF's back arrow to the study
 * list, a mode change, a logout. OHIF 3.11–3.14 route with react-router 6's <BrowserRouter>, which changes
 * the address with history.pushState/replaceState and then renders whatever `window.location` says; so a
 * push that is not made leaves the viewer where it is. The browser's own back button arrives as `popstate`
 * after the address has changed: it is stopped before the router sees it and, if the reader stays, the
 * address is put back. Reload and tab close are beforeunload's (askBeforeLeaving).
 */

export interface LeaveGuardHost {
  readonly history: Pick<History, 'pushState' | 'replaceState' | 'state'>;
  readonly location: Pick<Location, 'href' | 'pathname'>;
  addEventListener(type: 'popstate', listener: (e: PopStateEvent) => void, capture: boolean): void;
  removeEventListener(type: 'popstate', listener: (e: PopStateEvent) => void, capture: boolean): void;
  confirm(message: string): boolean;
}

/** The question asked, with the count of unsaved segments. */
export function leaveQuestion(unsavedSegments: number): string {
  const what = unsavedSegments === 1 ? '1 MedSAM segment' : `${unsavedSegments} MedSAM segments`;
  return `You have ${what} not saved to the PACS. Leave anyway?`;
}

/** The path a pushState/replaceState URL argument leads to (null: same document, no path given). */
function pathOf(url: string | URL | null | undefined, current: string): string | null {
  if (url === null || url === undefined || url === '') return null;
  try {
    return new URL(String(url), current).pathname;
  } catch {
    return null;
  }
}

type HistoryMethod = History['pushState'];

/**
 * Installs the guard; returns the function that removes it. `unsavedCount` is read at each navigation.
 * Never throws: if the host's history cannot be wrapped, it says why on the console and only beforeunload
 * guards the page.
 */
export function guardInAppNavigation(unsavedCount: () => number, host: LeaveGuardHost = window as unknown as LeaveGuardHost): () => void {
  const history = host.history as History;
  let lastHref = host.location.href;
  let lastState: unknown = history.state;
  let active = true;

  const wouldLeave = (url: string | URL | null | undefined) => {
    const next = pathOf(url, host.location.href);
    return next !== null && next !== host.location.pathname;
  };
  /** True when the navigation may go ahead (nothing unsaved, or the reader said leave). */
  const mayLeave = () => {
    const n = unsavedCount();
    return n === 0 || host.confirm(leaveQuestion(n));
  };

  const wrap = (original: HistoryMethod): HistoryMethod =>
    function guarded(this: History, state: unknown, unused: string, url?: string | URL | null) {
      if (active && wouldLeave(url) && !mayLeave()) return; // the router then re-reads the unchanged address
      original.call(this, state, unused, url);
      lastHref = host.location.href;
      lastState = history.state;
    };

  const onPopState = (e: PopStateEvent) => {
    if (!active) return;
    const movedAway = new URL(lastHref).pathname !== host.location.pathname;
    if (!movedAway || mayLeave()) {
      lastHref = host.location.href;
      lastState = history.state;
      return;
    }
    e.stopImmediatePropagation(); // the router never hears of it
    originals.pushState.call(history, lastState, '', lastHref);
  };

  const originals = { pushState: history.pushState, replaceState: history.replaceState };
  const wrapped = { pushState: wrap(originals.pushState), replaceState: wrap(originals.replaceState) };
  try {
    history.pushState = wrapped.pushState;
    history.replaceState = wrapped.replaceState;
    if (history.pushState !== wrapped.pushState || history.replaceState !== wrapped.replaceState) throw new Error('history.pushState cannot be replaced');
    // Capture on window runs before the router's own (bubbling) popstate listener.
    host.addEventListener('popstate', onPopState, true);
  } catch (e) {
    active = false;
    restore();
    console.warn(`MedSAM: leaving the viewer with unsaved segments will not ask first inside the app (${e instanceof Error ? e.message : String(e)}); reload and tab close still ask.`);
    return () => undefined;
  }

  function restore(): void {
    try {
      // Someone may have wrapped history after us: then ours stays in place, inactive.
      if (history.pushState === wrapped.pushState) history.pushState = originals.pushState;
      if (history.replaceState === wrapped.replaceState) history.replaceState = originals.replaceState;
    } catch {
      // nothing to restore
    }
  }

  return () => {
    active = false;
    host.removeEventListener('popstate', onPopState, true);
    restore();
  };
}
