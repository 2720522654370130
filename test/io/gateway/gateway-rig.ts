/**
 * Test rig for the gateway: a real `node:http` server on 127.0.0.1 (port 0) whose `upgrade`
 * event hands `/ws` to `gateway.handleUpgrade`, as the daemon does; a command port that records
 * calls; and a `ws` client that records every frame and waits on events with deadlines (no fixed
 * sleeps).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import WebSocket, { type ClientOptions } from 'ws';
import type { AuditEntry, CommandResult, GatewayCommands, TradingStateName } from '../../../src/io/gateway/gateway-commands.js';
import { createGateway, type CreateGatewayOptions, type Gateway } from '../../../src/io/gateway/gateway.js';
import { ownOrigins } from '../../../src/io/gateway/origin-check.js';

export const VIEWER = 'viewer-token-0123456789abcdef';
export const OPERATOR = 'operator-token-0123456789abcdef';

/** A command call as the port saw it. */
export interface CommandCall {
  readonly op: 'approve' | 'reject' | 'setTradingState' | 'killSwitch';
  readonly args: readonly string[];
}

/** A recording command port; `answer` decides each result (default: ok). */
export class FakeCommands implements GatewayCommands {
  readonly calls: CommandCall[] = [];
  answer: (call: CommandCall) => Promise<CommandResult> = (call) => Promise.resolve({ ok: true, detail: `${call.op} done` });

  approve(clientOrderId: string): Promise<CommandResult> {
    return this.call({ op: 'approve', args: [clientOrderId] });
  }
  reject(clientOrderId: string, reason: string): Promise<CommandResult> {
    return this.call({ op: 'reject', args: [clientOrderId, reason] });
  }
  setTradingState(state: TradingStateName, reason: string): Promise<CommandResult> {
    return this.call({ op: 'setTradingState', args: [state, reason] });
  }
  killSwitch(reason: string): Promise<CommandResult> {
    return this.call({ op: 'killSwitch', args: [reason] });
  }
  private call(call: CommandCall): Promise<CommandResult> {
    this.calls.push(call);
    return this.answer(call);
  }
}

/** A running gateway behind a loopback HTTP server. */
export interface Rig {
  readonly gateway: Gateway;
  readonly http: Server;
  readonly port: number;
  /** `ws://127.0.0.1:<port>/ws` */
  readonly url: string;
  /** The daemon's own page origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly commands: FakeCommands;
  readonly audit: AuditEntry[];
  /** `url` with `?token=`. */
  urlWith(token: string): string;
}

const rigs: Rig[] = [];
const clients: GatewayTestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  for (const rig of rigs.splice(0)) {
    await rig.gateway.close();
    await new Promise<void>((resolve) => rig.http.close(() => resolve()));
  }
});

/** Starts a gateway with the test tokens and the server's own origins; `options` override. */
export async function startGateway(options: Partial<CreateGatewayOptions> = {}): Promise<Rig> {
  const http = createServer((_req, res) => res.writeHead(404).end());
  let gateway: Gateway | undefined;
  http.on('upgrade', (req, socket, head) => {
    if (gateway !== undefined && (req.url ?? '').split('?')[0] === '/ws') gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const commands = new FakeCommands();
  const audit: AuditEntry[] = [];
  gateway = createGateway({
    tokens: { viewer: VIEWER, operator: OPERATOR },
    commands,
    audit: (entry) => audit.push(entry),
    allowedOrigins: ownOrigins('127.0.0.1', port),
    ...options,
  });
  const url = `ws://127.0.0.1:${port}/ws`;
  const rig: Rig = { gateway, http, port, url, origin: `http://127.0.0.1:${port}`, commands, audit, urlWith: (token) => `${url}?token=${encodeURIComponent(token)}` };
  rigs.push(rig);
  return rig;
}

/** How the connection ended, as the client saw it. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** A frame the gateway sent, parsed. */
export type Frame = Record<string, unknown>;

const FINAL_OPS = new Set(['subscribed', 'unsubscribed', 'pong', 'result', 'error']);

/** A recording `ws` client. */
export class GatewayTestClient {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  /** Frames that end a request (`subscribed`, `unsubscribed`, `pong`, `result`, `error`). */
  finals = 0;
  pings = 0;
  closed: Closed | null = null;
  private readonly waiters = new Set<() => void>();
  private nextId = 1;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as Frame;
      this.frames.push(frame);
      if (typeof frame['op'] === 'string' && FINAL_OPS.has(frame['op'])) this.finals++;
      this.notify();
    });
    ws.on('ping', () => {
      this.pings++;
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    ws.on('error', () => undefined);
  }

  /** Connects; resolves once the handshake completes (a refused client is then closed by the server). */
  static connect(url: string, options: ClientOptions = {}): Promise<GatewayTestClient> {
    const client = new GatewayTestClient(new WebSocket(url, options));
    clients.push(client);
    return new Promise((resolve, reject) => {
      client.ws.once('open', () => resolve(client));
      client.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      client.ws.once('error', reject);
    });
  }

  /** Sends an object (as JSON) or raw text. */
  send(message: Frame | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a request with a fresh id and resolves with the final frame carrying that id. */
  async request(message: Frame, timeoutMs = 2000): Promise<Frame> {
    const id = this.nextId++;
    this.send({ ...message, id });
    return this.waitForFrame((f) => f['id'] === id && FINAL_OPS.has(f['op'] as string), timeoutMs, `the reply to ${JSON.stringify(message)}`);
  }

  /** The first frame (already received or to come) that `match` accepts. */
  async waitForFrame(match: (frame: Frame) => boolean, timeoutMs = 2000, what = 'a frame'): Promise<Frame> {
    await this.until(() => this.frames.some(match), timeoutMs, what);
    return this.frames.find(match)!;
  }

  /** Resolves when `condition` holds after some event of this client, or rejects after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs = 2000, what = 'a condition'): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** The close, or a rejection after `timeoutMs`. */
  async closedWithin(timeoutMs = 2000): Promise<Closed> {
    await this.until(() => this.closed !== null, timeoutMs, 'the connection to close');
    return this.closed!;
  }

  /** Topic frames received (live, not snapshots) for `topic`. */
  live(topic: string): Frame[] {
    return this.frames.filter((f) => f['op'] === undefined && f['topic'] === topic);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Polls `condition` each event-loop turn until it holds, or rejects after `timeoutMs` (for server-side state). */
export async function eventually(condition: () => boolean, timeoutMs = 2000, what = 'a condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
