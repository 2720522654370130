/**
 * Token authentication of gateway connections. A client presents its token as an
 * `Authorization: Bearer <token>` header or, since browsers cannot set headers on a WebSocket, as
 * `?token=<token>` in the URL. The token is compared with both configured tokens in constant time:
 * each side is hashed first (SHA-256), so `timingSafeEqual` compares equal-length digests and the
 * time taken reveals neither the token's content nor its length, and both comparisons always run,
 * so it does not reveal which role matched either.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a token allows: `viewer` reads; `operator` reads and sends commands. */
export type GatewayRole = 'viewer' | 'operator';

/** The two tokens: a viewer reads, an operator reads and sends commands. */
export interface GatewayTokens {
  readonly viewer?: string | undefined;
  readonly operator?: string | undefined;
}

/** Checks presented tokens against the configured ones; holds only their digests. */
export class TokenCheck {
  private readonly viewer: Buffer | undefined;
  private readonly operator: Buffer | undefined;

  constructor(tokens: GatewayTokens) {
    this.viewer = tokens.viewer === undefined ? undefined : digest(tokens.viewer);
    this.operator = tokens.operator === undefined ? undefined : digest(tokens.operator);
  }

  /** The role `token` grants, or undefined when it matches neither (the operator wins if both are equal). */
  roleOf(token: string | undefined): GatewayRole | undefined {
    if (token === undefined || token === '') return undefined;
    const presented = digest(token);
    const isOperator = this.operator !== undefined && timingSafeEqual(presented, this.operator);
    const isViewer = this.viewer !== undefined && timingSafeEqual(presented, this.viewer);
    return isOperator ? 'operator' : isViewer ? 'viewer' : undefined;
  }

  /** The role the upgrade request's token grants, or undefined (no token, or a wrong one). */
  authenticate(req: IncomingMessage): GatewayRole | undefined {
    return this.roleOf(presentedToken(req));
  }
}

/**
 * The token an upgrade request presents: the `Authorization: Bearer` header when there is one,
 * else the `token` query parameter.
 */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (match !== null) return match[1];
  }
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get('token') ?? undefined;
}

/**
 * A fresh random token (32 bytes, base64url: 43 characters), for a daemon started on loopback
 * with no token configured: it prints the dashboard URL carrying it.
 */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
