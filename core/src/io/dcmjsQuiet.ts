/** The part of dcmjs's loglevel logger used to silence it. */
export interface QuietableLogger {
  getLevel(): unknown;
  setLevel(level: never, persist: boolean): void;
  getLogger(name: string): QuietableLogger;
}

/**
 * Runs `fn` with dcmjs's console logging silenced: dcmjs logs what it tolerates (validation, implicit VRs),
 * while our readers report the problems that matter themselves.
 */
export function withDcmjsSilenced<T>(log: QuietableLogger, fn: () => T): T {
  const loggers = [log, log.getLogger('validation.dcmjs')];
  const levels = loggers.map((l) => l.getLevel());
  loggers.forEach((l) => l.setLevel('silent' as never, false));
  try {
    return fn();
  } finally {
    loggers.forEach((l, i) => l.setLevel(levels[i] as never, false));
  }
}
