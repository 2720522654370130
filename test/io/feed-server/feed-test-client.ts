/**
 * Test helpers for the feed server: a `ws` client that records what it receives (stream frames,
 * replies to requests, connection events, the close), polling waits with a deadline, and
 * captures cut to their first lines (short replays keep each socket test to a second or two).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach } from 'vitest';
import WebSocket, { type ClientOptions } from 'ws';
import { createFeedServer, type FeedServer } from '../../../src/io/feed-server/feed-server.js';
import type { FeedServerOptions } from '../../../src/io/feed-server/feed-server-options.js';

/** What the client saw close the connection. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
  /** `performance.now()` at the close. */
  readonly at: number;
}

/** A recording WebSocket client. */
export class TestClient {
  readonly ws: WebSocket;
  /** Stream frames (anything that is not a reply or a connection event), as text, in order. */
  readonly frames: string[] = [];
  /** When each frame arrived (`performance.now()`). */
  readonly frameTimes: number[] = [];
  /** Replies to requests (`{result,id}` / `{error,id}`), parsed. */
  readonly replies: Record<string, unknown>[] = [];
  /** Connection events (`{"event":{...}}`), parsed, with their arrival time. */
  readonly events: { readonly event: Record<string, unknown>; readonly at: number }[] = [];
  readonly pings: number[] = [];
  closed: Closed | null = null;
  readonly whenClosed: Promise<Closed>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.whenClosed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString(), at: performance.now() };
        resolve(this.closed);
      });
    });
    ws.on('message', (data) => this.receive((data as Buffer).toString('utf8')));
    ws.on('ping', () => this.pings.push(performance.now()));
    ws.on('error', () => undefined);
  }

  /** Connects to `url`; resolves once open. */
  static open(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** The close, or a rejection after `timeoutMs` (so a test that waits for a close fails fast). */
  closedWithin(timeoutMs = 5000): Promise<Closed> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the connection was not closed within ${timeoutMs} ms`)), timeoutMs);
      void this.whenClosed.then((closed) => {
        clearTimeout(timer);
        resolve(closed);
      });
    });
  }

  /** Sends a request object (or raw text) and waits for the reply with its id (the next reply for raw text). */
  async request(message: Record<string, unknown> | string, timeoutMs = 2000): Promise<Record<string, unknown>> {
    const before = this.replies.length;
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    await waitUntil(() => this.replies.length > before, timeoutMs, `a reply to ${typeof message === 'string' ? message : JSON.stringify(message)}`);
    return this.replies[before]!;
  }

  /** Frames parsed as JSON (a garbage frame throws: use `frames` for those tests). */
  json(): Record<string, any>[] {
    return this.frames.map((f) => JSON.parse(f) as Record<string, any>);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private receive(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isObject(parsed) && 'id' in parsed && ('result' in parsed || 'error' in parsed)) this.replies.push(parsed);
    else if (isObject(parsed) && isObject(parsed['event'])) this.events.push({ event: parsed['event'], at: performance.now() });
    else {
      this.frames.push(text);
      this.frameTimes.push(performance.now());
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Polls `condition` every 5 ms; rejects naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One capture line: its receive time (ns text) and its JSON text. */
export interface CaptureLine {
  readonly ns: string;
  readonly json: string;
}

/** Every line of a capture. */
export function readCapture(path: string): CaptureLine[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => ({ ns: l.slice(0, l.indexOf(' ')), json: l.slice(l.indexOf(' ') + 1) }));
}

/** A temporary folder for cut captures; `remove()` it after the tests. */
export function tempDir(): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tickflow-feed-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes the first `count` lines of `lines` as a gzip capture under `dir`; returns its path. */
export function writeCapture(dir: string, name: string, lines: readonly CaptureLine[]): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(Buffer.from(lines.map((l) => `${l.ns} ${l.json}`).join('\n') + '\n')));
  return path;
}

/** The stream name of a capture line (`''` for the depth snapshot). */
export function streamOf(line: CaptureLine): string {
  const m = /^\{"stream":"([^"]+)"/.exec(line.json);
  return m === null ? '' : m[1]!;
}

/** The data part of an enveloped capture line. */
export function dataOf(line: CaptureLine): string {
  const at = line.json.indexOf(',"data":');
  return line.json.slice(at + ',"data":'.length, -1);
}

/**
 * Servers and clients for one test file, closed after each test (register at the file's top
 * level): `server(options)` binds port 0, paused unless the options say otherwise.
 */
export function feedRig(): { server(options: FeedServerOptions): Promise<FeedServer>; client(url: string): Promise<TestClient> } {
  const servers: FeedServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    async server(options) {
      const s = await createFeedServer({ port: 0, paused: true, ...options });
      servers.push(s);
      return s;
    },
    async client(url) {
      const c = await TestClient.open(url);
      clients.push(c);
      return c;
    },
  };
}
