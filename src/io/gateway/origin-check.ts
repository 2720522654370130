/**
 * The `Origin` check that stops cross-site WebSocket hijacking: a page on another site can open a
 * WebSocket to a loopback daemon from the user's browser (browsers apply no same-origin policy to
 * WebSockets), but it cannot forge the `Origin` header the browser adds. So a connection whose
 * `Origin` is present and is not one of the daemon's own pages is refused, before its token is
 * even looked at (a hostile page must not be able to probe tokens). A connection without `Origin`
 * comes from a program, not a browser, and goes on to the token check as usual.
 */

/** The canonical form of an origin (`scheme://host[:port]`, lower case), or undefined if `text` is not one. */
export function normalizeOrigin(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  // `URL.origin` is the string "null" for schemes without an origin (file:, data:).
  return url.origin === 'null' ? undefined : url.origin;
}

/**
 * True when a connection with this `Origin` header may go on to authenticate: the header is
 * absent, or names one of `allowed` (already normalized). Anything else, `null` included (sandboxed
 * frames and `file:` pages send that), is refused.
 */
export function originAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  return normalized !== undefined && allowed.has(normalized);
}

/**
 * The origins of the daemon's own pages when its HTTP server listens on `host:port`: for a
 * loopback bind, every loopback spelling a user may type (`127.0.0.1`, `localhost`, `[::1]`),
 * since each is a different origin to the browser; otherwise the host as given. A daemon behind a
 * proxy or TLS adds the public origin to `allowedOrigins` itself.
 */
export function ownOrigins(host: string, port: number): string[] {
  const loopback = host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  const hosts = loopback ? [host.includes(':') ? '[::1]' : host, '127.0.0.1', 'localhost', '[::1]'] : [host.includes(':') ? `[${host}]` : host];
  const out: string[] = [];
  for (const h of hosts) {
    const origin = normalizeOrigin(`http://${h}:${port}`);
    if (origin !== undefined && !out.includes(origin)) out.push(origin);
  }
  return out;
}
