/**
 * The gateway's command port and its audit record. The gateway never touches actors: the daemon
 * implements `GatewayCommands` by asking the execution and risk actors, and the gateway checks the
 * role, bounds what is in flight, relays the result to the client and audits every attempt
 * (`command-runner.ts`). A refusal by the engine (no such order, already approved) is an ordinary
 * result with `ok: false`, not a rejection of the promise; a rejected promise is counted as an
 * error.
 */
import type { GatewayRole } from './token-check.js';

/** Trading states an operator may set (the risk guard's `TradingState`, repeated here: `io` does not import `actors`). */
export type TradingStateName = 'ACTIVE' | 'REDUCING' | 'HALTED';

/** What a command came to: done (`ok`), or refused by the engine with the reason in `detail`. */
export interface CommandResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** What operator commands do, implemented by the daemon. */
export interface GatewayCommands {
  /** Sends an order waiting for approval to the venue. */
  approve(clientOrderId: string): Promise<CommandResult>;
  /** Rejects an order waiting for approval. */
  reject(clientOrderId: string, reason: string): Promise<CommandResult>;
  setTradingState(state: TradingStateName, reason: string): Promise<CommandResult>;
  /** Halts trading and cancels open orders. */
  killSwitch(reason: string): Promise<CommandResult>;
}

/** The command names, as clients send them in `op`. */
export type CommandOp = 'approve' | 'reject' | 'setTradingState' | 'killSwitch';

/**
 * How an attempt ended: `ok` and `failed` are the engine's `CommandResult`; `refused` means the
 * gateway did not pass it on (a viewer token, too many in flight); `error` means the port threw or
 * rejected.
 */
export type AuditOutcome = 'ok' | 'failed' | 'refused' | 'error';

/** One audited command attempt. Names the token by its role: tokens themselves are never recorded. */
export interface AuditEntry {
  /** When the command was received, µs since the epoch. */
  readonly at: number;
  /** When its outcome was known, µs since the epoch. */
  readonly doneAt: number;
  /** Which token sent it. */
  readonly role: GatewayRole;
  /** The connection (an id unique within the gateway's life) and its remote address. */
  readonly client: number;
  readonly remote: string;
  readonly op: CommandOp;
  /** The command's arguments (`clientOrderId`, `state`, `reason`), as sent. */
  readonly args: Readonly<Record<string, string>>;
  readonly outcome: AuditOutcome;
  readonly detail: string;
}
