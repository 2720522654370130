/**
 * The logging port the runtime uses. It is the subset of pino's API tickflow calls, so the
 * composition root passes a pino logger and the kernel stays free of it. The default logs nothing
 * and costs a call.
 */

/** A structured logger: an object of fields, then a message. */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const noop = (): void => {};

/** A logger that discards everything. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
