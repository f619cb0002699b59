/** One line per event on stderr; stdout carries only the "listening on" line that scripts wait for. */
export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`),
  error: (m) => process.stderr.write(`${new Date().toISOString()} ERROR ${m}\n`),
};

export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
