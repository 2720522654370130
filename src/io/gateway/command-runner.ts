/**
 * Runs operator commands for gateway clients: checks the role, bounds the commands one client has
 * in flight, calls the daemon's `GatewayCommands` port, replies with the outcome and audits every
 * attempt, refused ones included, once its outcome is known. The port's promise may settle after
 * the client has gone: the outcome is still audited and counted; only the reply is dropped.
 * Commands are rare, so closures per command are fine here (unlike the publish path).
 */
import type { CommandMessage, RequestId } from './client-message.js';
import type { AuditEntry, AuditOutcome, CommandOp, CommandResult } from './gateway-commands.js';
import { errorFrame, resultFrame } from './gateway-frames.js';
import type { ResolvedGatewayOptions } from './gateway-options.js';
import type { GatewayCounters } from './gateway-stats.js';
import type { GatewayRole } from './token-check.js';

/** What the runner needs of a client connection. */
export interface CommandClient {
  readonly id: number;
  readonly role: GatewayRole;
  readonly remote: string;
  /** Commands sent and not answered yet; the runner keeps it. */
  commandsInFlight: number;
  /** Sends a reply frame (dropped when the client is gone). */
  reply(frame: Buffer): void;
}

/** Longest `detail` relayed from a thrown error. */
const MAX_DETAIL = 300;

/** Checks, runs, answers and audits commands. */
export class CommandRunner {
  private readonly options: ResolvedGatewayOptions;
  private readonly counters: GatewayCounters;

  constructor(options: ResolvedGatewayOptions, counters: GatewayCounters) {
    this.options = options;
    this.counters = counters;
  }

  /** Handles one command message from `client`. Never throws; the reply may come later. */
  run(client: CommandClient, message: CommandMessage): void {
    const at = this.options.clock.now();
    const args = argsOf(message);
    if (client.role !== 'operator') {
      const detail = 'a viewer token cannot send commands';
      this.audit(client, message.op, args, at, 'refused', detail);
      client.reply(errorFrame('FORBIDDEN', `${message.op}: ${detail}`, message.id));
      return;
    }
    if (client.commandsInFlight >= this.options.maxCommandsInFlight) {
      const detail = `${client.commandsInFlight} commands already waiting for a result`;
      this.audit(client, message.op, args, at, 'refused', detail);
      client.reply(errorFrame('BUSY', `${message.op}: ${detail}`, message.id));
      return;
    }
    client.commandsInFlight++;
    let pending: Promise<CommandResult>;
    try {
      pending = Promise.resolve(this.invoke(message));
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (result) => this.settle(client, message, args, at, result),
      (error: unknown) => this.settle(client, message, args, at, error instanceof Error ? error : new Error(String(error))),
    );
  }

  private invoke(message: CommandMessage): Promise<CommandResult> {
    const port = this.options.commands;
    switch (message.op) {
      case 'approve':
        return port.approve(message.clientOrderId);
      case 'reject':
        return port.reject(message.clientOrderId, message.reason ?? 'rejected by the operator');
      case 'setTradingState':
        return port.setTradingState(message.state, message.reason ?? 'set by the operator');
      case 'killSwitch':
        return port.killSwitch(message.reason ?? 'kill switch tripped by the operator');
    }
  }

  private settle(client: CommandClient, message: CommandMessage, args: Record<string, string>, at: number, result: CommandResult | Error): void {
    client.commandsInFlight--;
    let outcome: AuditOutcome;
    let detail: string;
    if (result instanceof Error) {
      outcome = 'error';
      detail = `command failed: ${result.message}`.slice(0, MAX_DETAIL);
    } else if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean') {
      outcome = 'error';
      detail = 'command failed: the engine gave no result';
    } else {
      outcome = result.ok ? 'ok' : 'failed';
      detail = String(result.detail);
    }
    this.audit(client, message.op, args, at, outcome, detail);
    client.reply(resultFrame(message.id as RequestId | undefined, message.op, outcome === 'ok', detail));
  }

  private audit(client: CommandClient, op: CommandOp, args: Record<string, string>, at: number, outcome: AuditOutcome, detail: string): void {
    this.counters.commands[outcome]++;
    const entry: AuditEntry = { at, doneAt: this.options.clock.now(), role: client.role, client: client.id, remote: client.remote, op, args, outcome, detail };
    const sink = this.options.audit;
    try {
      if (sink === undefined) this.options.logger.info({ audit: entry }, `gateway command ${op}: ${outcome}`);
      else sink(entry);
    } catch (error) {
      // The command has happened (or been refused) whatever the audit sink does; say so loudly.
      this.options.logger.error({ audit: entry, err: error }, 'gateway audit sink failed');
    }
  }
}

function argsOf(message: CommandMessage): Record<string, string> {
  const args: Record<string, string> = {};
  if ('clientOrderId' in message) args['clientOrderId'] = message.clientOrderId;
  if ('state' in message) args['state'] = message.state;
  if ('reason' in message && message.reason !== undefined) args['reason'] = message.reason;
  return args;
}
