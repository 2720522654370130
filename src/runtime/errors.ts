/**
 * The one error type of tickflow. Every error carries a stable `code` from a closed union, so
 * callers and tests branch on codes, never on message text, plus the context needed to act on it
 * (actor path, file and line, config path). Trading rejections are not errors: they are messages
 * with reason codes (STYLE.md, rule 6).
 */

/** Every error code tickflow raises. Adding a code is a deliberate API change. */
export type TickflowErrorCode =
  // runtime
  | 'ASK_TIMEOUT'
  | 'ASK_TARGET_STOPPED'
  | 'ASK_DROPPED'
  | 'MAILBOX_OVERFLOW'
  | 'ACTOR_FAILED'
  | 'ACTOR_NAME_TAKEN'
  | 'SUPERVISOR_GAVE_UP'
  | 'ESCALATED'
  | 'STOP_DEADLINE_EXCEEDED'
  | 'SYSTEM_STOPPED'
  | 'CLOCK_NOT_SIMULATED'
  | 'CLOCK_BACKWARDS'
  // data
  | 'DATA_MALFORMED_LINE'
  | 'DATA_UNKNOWN_TYPE'
  | 'DATA_TRUNCATED'
  /**
   * Ids missing from a live stream (trade ids, or depth update ids) detected by the feed's gap
   * detector; the feed resyncs depth from a REST snapshot. Not `DATA_TRUNCATED`, which is a file cut
   * short: a gap is data the venue never delivered, and the stream goes on.
   */
  | 'DATA_GAP'
  | 'DATA_UNKNOWN_FORMAT'
  | 'DATA_FILE_UNREADABLE'
  /** An input that holds no record: a 0-byte file, an empty `.gz`, or only headers and blank lines (EX_DATAERR). */
  | 'DATA_EMPTY'
  // configuration and command line
  | 'CONFIG_INVALID'
  /** A config file that is missing or cannot be read (EX_NOINPUT); `CONFIG_INVALID` is one read and refused. */
  | 'CONFIG_UNREADABLE'
  | 'CLI_USAGE'
  // money and orders
  | 'MONEY_INVALID'
  | 'ORDER_INVALID'
  // io
  | 'IO_UNAVAILABLE'
  /** An output path (`--out`) that cannot be created or written (EX_CANTCREAT); context: `path`, `reason`. */
  | 'OUTPUT_UNWRITABLE';

/** An error with a stable code and the context to act on it. */
export class TickflowError extends Error {
  override readonly name = 'TickflowError';
  readonly code: TickflowErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: TickflowErrorCode, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.context = context;
  }
}

/** True when `error` is a `TickflowError`, optionally with the given code. */
export function isTickflowError(error: unknown, code?: TickflowErrorCode): error is TickflowError {
  return error instanceof TickflowError && (code === undefined || error.code === code);
}
