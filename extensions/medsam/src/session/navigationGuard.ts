/**
 * In-app navigation away from the mode while segments are unsaved asks first: OHIF's back arrow to the study
 * list, a mode change, a logout. Reload and tab close are beforeunload's (askBeforeLeaving).
 *
 * OHIF 3.11–3.14 route with react-router 6's <BrowserRouter>, and OHIF's mode route re-runs its whole set-up
 * (exit, which destroys every segmentation, and entry) whenever the router's location object changes, even
 * to the same address. So a navigation must be stopped before the router hears of it:
 * - the back arrow (`data-cy="return-to-work-list"` in every 3.x header): its click is stopped in the capture
 *   phase on window, before React's root listener;
 * - any other route change (history.pushState/replaceState to another path): the router calls pushState
 *   first and updates its state only after it returns, so staying throws a DataCloneError, the one error the
 *   router lets through untouched (it aborts the navigation; any other error makes it load the new address);
 * - the browser's back button (`popstate`, after the address changed): stopped in the capture phase before
 *   the router's own listener and, if the reader stays, the address is put back.
 */

export const RETURN_BUTTON_SELECTOR = '[data-cy="return-to-work-list"]';

export interface LeaveGuardHost {
  readonly history: Pick<History, 'pushState' | 'replaceState' | 'state'>;
  readonly location: Pick<Location, 'href' | 'pathname'>;
  addEventListener(type: 'popstate' | 'click', listener: (e: Event) => void, capture: boolean): void;
  removeEventListener(type: 'popstate' | 'click', listener: (e: Event) => void, capture: boolean): void;
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

/** What a navigation the reader declined throws out of the router (see above). */
export function stayedError(): Error {
  const message = 'MedSAM: the reader chose to stay (unsaved segments); the navigation was not made';
  return typeof DOMException === 'function' ? new DOMException(message, 'DataCloneError') : Object.assign(new Error(message), { name: 'DataCloneError' });
}

type HistoryMethod = History['pushState'];

/**
 * Installs the guard; returns the function that removes it. `unsavedCount` is read at each navigation.
 * Never throws: if the host's history cannot be wrapped, it says why on the console and the rest still works.
 */
export function guardInAppNavigation(unsavedCount: () => number, host: LeaveGuardHost = window as unknown as LeaveGuardHost): () => void {
  const history = host.history as History;
  let lastHref = host.location.href;
  let lastState: unknown = history.state;
  let active = true;
  /** The reader already said "leave" for this event (the back arrow's click, then its pushState). */
  let leaving = false;

  /** True when the navigation may go ahead (nothing unsaved, or the reader said leave). */
  const mayLeave = () => {
    if (leaving) return true;
    const n = unsavedCount();
    return n === 0 || host.confirm(leaveQuestion(n));
  };
  const leaveForThisEvent = () => {
    leaving = true;
    setTimeout(() => (leaving = false), 0);
  };

  const onClick = (e: Event) => {
    const target = e.target as Element | null;
    if (!active || !target?.closest?.(RETURN_BUTTON_SELECTOR)) return;
    if (mayLeave()) return leaveForThisEvent();
    e.stopPropagation(); // React never sees the click
    e.preventDefault();
  };

  const wrap = (original: HistoryMethod): HistoryMethod =>
    function guarded(this: History, state: unknown, unused: string, url?: string | URL | null) {
      const next = pathOf(url, host.location.href);
      if (active && next !== null && next !== host.location.pathname) {
        if (!mayLeave()) throw stayedError();
        leaveForThisEvent();
      }
      original.call(this, state, unused, url);
      lastHref = host.location.href;
      lastState = history.state;
    };

  const onPopState = (e: Event) => {
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
  // Capture on window runs before React's root listeners and the router's (bubbling) popstate listener.
  host.addEventListener('click', onClick, true);
  try {
    history.pushState = wrapped.pushState;
    history.replaceState = wrapped.replaceState;
    if (history.pushState !== wrapped.pushState || history.replaceState !== wrapped.replaceState) throw new Error('history.pushState cannot be replaced');
    host.addEventListener('popstate', onPopState, true);
  } catch (e) {
    restoreHistory();
    console.warn(`MedSAM: only the back arrow, reload and tab close will ask before unsaved segments are left (${e instanceof Error ? e.message : String(e)}).`);
  }

  function restoreHistory(): void {
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
    host.removeEventListener('click', onClick, true);
    host.removeEventListener('popstate', onPopState, true);
    restoreHistory();
  };
}
