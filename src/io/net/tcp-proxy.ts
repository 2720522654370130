/**
 * A loopback TCP proxy for outage drills: clients connect to the proxy, which pipes each
 * connection to `target`. `cut()` makes the server "go away" as a network failure would: every
 * piped connection is destroyed at once and new connections are accepted and dropped without a
 * byte, until `restore()`. Tests and benchmarks put it between the engine and PostgreSQL or Redis
 * (no mocks of `pg` or `ioredis`: the real clients see real resets).
 *
 * Binds 127.0.0.1 on an ephemeral port unless told otherwise.
 */
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/** Options of `createTcpProxy`. */
export interface TcpProxyOptions {
  readonly target: { readonly host: string; readonly port: number };
  readonly host?: string;
  /** 0 (default): an ephemeral port. */
  readonly port?: number;
}

/** A running proxy. */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** True between `cut()` and `restore()`. */
  readonly isCut: boolean;
  /** Connections piped since start, and those destroyed or refused by cuts. */
  readonly stats: { readonly connections: number; readonly severed: number; readonly refused: number };
  /** Destroys every piped connection and refuses new ones until `restore()`. */
  cut(): void;
  /** Pipes new connections again. */
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `options.target`. */
export async function createTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const pairs = new Set<Socket>();
  const stats = { connections: 0, severed: 0, refused: 0 };
  let isCut = false;
  const server: Server = createServer((client) => {
    if (isCut) {
      stats.refused++;
      client.destroy();
      return;
    }
    stats.connections++;
    const upstream = new Socket();
    const both = [client, upstream];
    const end = () => {
      for (const s of both) {
        pairs.delete(s);
        s.destroy();
      }
    };
    for (const s of both) {
      pairs.add(s);
      s.on('error', end);
      s.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.connect(options.target.port, options.target.host);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    get isCut() {
      return isCut;
    },
    stats,
    cut() {
      isCut = true;
      for (const s of [...pairs]) {
        if (!s.destroyed) stats.severed++;
        // A reset, not a polite FIN: what a dead server or a pulled cable looks like to the client.
        s.resetAndDestroy();
      }
      pairs.clear();
    },
    restore() {
      isCut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of pairs) s.destroy();
        pairs.clear();
        server.close(() => resolve());
      }),
  };
}
