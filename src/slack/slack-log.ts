/** The logger shape the Slack layer writes to (pino's, narrowed); `silentLog` when none is given. */
export type Log = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
