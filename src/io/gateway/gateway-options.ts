/**
 * Options of the WebSocket gateway, with safe defaults: small frames, a cap on clients, a bounded
 * buffer per client. Validation happens once, here (`resolveGatewayOptions`): a bad value is a
 * `TickflowError('CONFIG_INVALID')` naming the option. Cross-key rules of the daemon's config (a
 * non-loopback bind needs tokens) live in the config schema; the gateway only insists on having at
 * least one token, because a gateway nobody can authenticate to is a wiring mistake.
 */
import { LiveClock } from '../../runtime/clock.js';
import { TickflowError } from '../../runtime/errors.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import type { AuditEntry, GatewayCommands } from './gateway-commands.js';
import { normalizeOrigin } from './origin-check.js';
import type { GatewayTokens } from './token-check.js';

/** Options of `createGateway`. Intervals are wall-clock milliseconds; sizes are bytes. */
export interface GatewayOptions {
  /** At least one of the two. Compared in constant time; never logged nor reported. */
  readonly tokens: GatewayTokens;
  /** What operator commands do; the daemon implements it by asking actors. */
  readonly commands: GatewayCommands;
  /**
   * Origins (`http://127.0.0.1:8080`) whose pages may connect: the daemon's own (`ownOrigins`).
   * A connection with any other `Origin` header is refused with 1008; one with none (a program,
   * not a browser) is let through to the token check. Default: none, so browsers are refused.
   */
  readonly allowedOrigins?: readonly string[];
  /** Largest frame a client may send; a larger one closes the connection with 1009 (default 64 KiB). */
  readonly maxPayload?: number;
  /** Clients at once; one more is closed with 1013 (default 100). */
  readonly maxClients?: number;
  /** Ping period; a client that has not answered the previous ping is terminated (default 20 s). */
  readonly pingIntervalMs?: number;
  /**
   * Unsent bytes on a client's socket above which it counts as slow: its market data is conflated
   * and its other frames wait in its queue until the socket drains (default 256 KiB).
   */
  readonly slowClientBytes?: number;
  /**
   * Bound on a client's unsent bytes plus queued frames; past it the client is closed with 1013,
   * since events that are never conflated (orders, fills, risk) cannot be dropped (default 4 MiB).
   */
  readonly sendBufferBytes?: number;
  /** Topic prefixes (whole segments) whose messages are conflated for slow clients (default `['md']`). */
  readonly conflatePrefixes?: readonly string[];
  /** Topics whose latest message is kept for snapshots; the oldest topic goes first (default 10,000). */
  readonly maxTopics?: number;
  /** Patterns one client may hold (default 256). */
  readonly maxSubscriptionsPerClient?: number;
  /** Commands one client may have waiting for a result; one more is refused as busy (default 8). */
  readonly maxCommandsInFlight?: number;
  /** Where each command's audit record goes (default: the logger, at info). */
  readonly audit?: (entry: AuditEntry) => void;
  /** Audit times (µs since the epoch; default the OS clock). */
  readonly clock?: { now(): number };
  readonly logger?: Logger;
}

/** Options with every default filled in and checked. */
export interface ResolvedGatewayOptions {
  readonly tokens: GatewayTokens;
  readonly commands: GatewayCommands;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly maxPayload: number;
  readonly maxClients: number;
  readonly pingIntervalMs: number;
  readonly slowClientBytes: number;
  readonly sendBufferBytes: number;
  readonly conflatePrefixes: readonly string[];
  readonly maxTopics: number;
  readonly maxSubscriptionsPerClient: number;
  readonly maxCommandsInFlight: number;
  readonly audit: ((entry: AuditEntry) => void) | undefined;
  readonly clock: { now(): number };
  readonly logger: Logger;
}

/** Fills in defaults and checks every option; throws `CONFIG_INVALID` naming the first bad one. */
export function resolveGatewayOptions(options: GatewayOptions): ResolvedGatewayOptions {
  const { viewer, operator } = options.tokens;
  if (!nonEmpty(viewer) && !nonEmpty(operator)) {
    throw new TickflowError('CONFIG_INVALID', 'gateway.tokens: at least a viewer or an operator token is needed (the daemon generates one on loopback)', {
      path: 'gateway.tokens',
    });
  }
  const allowedOrigins = new Set<string>();
  for (const origin of options.allowedOrigins ?? []) {
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined) invalid('allowedOrigins', `"${origin}" is not an origin like http://127.0.0.1:8080`);
    allowedOrigins.add(normalized);
  }
  const slowClientBytes = positive('slowClientBytes', options.slowClientBytes ?? 256 * 1024);
  const sendBufferBytes = positive('sendBufferBytes', options.sendBufferBytes ?? 4 * 1024 * 1024);
  if (sendBufferBytes < slowClientBytes) invalid('sendBufferBytes', `must be at least slowClientBytes (${slowClientBytes})`);
  const conflatePrefixes = options.conflatePrefixes ?? ['md'];
  for (const prefix of conflatePrefixes) {
    if (prefix === '' || prefix.includes('*')) invalid('conflatePrefixes', `"${prefix}" is not a topic prefix`);
  }
  return {
    tokens: { viewer: nonEmpty(viewer) ? viewer : undefined, operator: nonEmpty(operator) ? operator : undefined },
    commands: options.commands,
    allowedOrigins,
    maxPayload: positive('maxPayload', options.maxPayload ?? 64 * 1024),
    maxClients: positive('maxClients', options.maxClients ?? 100),
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs ?? 20_000),
    slowClientBytes,
    sendBufferBytes,
    conflatePrefixes,
    maxTopics: positive('maxTopics', options.maxTopics ?? 10_000),
    maxSubscriptionsPerClient: positive('maxSubscriptionsPerClient', options.maxSubscriptionsPerClient ?? 256),
    maxCommandsInFlight: positive('maxCommandsInFlight', options.maxCommandsInFlight ?? 8),
    audit: options.audit,
    clock: options.clock ?? new LiveClock(),
    logger: options.logger ?? silentLogger,
  };
}

function nonEmpty(token: string | undefined): token is string {
  return token !== undefined && token !== '';
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) invalid(name, `must be a positive integer, got ${value}`);
  return value;
}

function invalid(name: string, message: string): never {
  throw new TickflowError('CONFIG_INVALID', `gateway.${name}: ${message}`, { path: `gateway.${name}` });
}
