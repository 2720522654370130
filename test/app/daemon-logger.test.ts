import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { censor, createDaemonLogger } from '../../src/app/daemon-logger.js';

function sink(isTTY: boolean) {
  const lines: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
        done();
      },
    }),
    { isTTY },
  );
  return { stream, lines };
}

describe('daemon logger', () => {
  it('writes JSON lines with tokens, passwords and URL credentials redacted', () => {
    const { stream, lines } = sink(false);
    const log = createDaemonLogger({ level: 'info', stream });
    log.info({ token: 'sekret-token-value', gateway: { tokens: { operator: 'op-token-value' } }, url: 'wss://user:pw@example.com:9443/ws?token=abc&x=1', db: { password: 'pw' } }, 'hello');
    const text = lines.join('\n');
    for (const secret of ['sekret-token-value', 'op-token-value', 'user:pw', 'token=abc', '"pw"']) expect(text).not.toContain(secret);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record['msg']).toBe('hello');
    expect(record['url']).toBe('wss://example.com:9443/ws?x=1');
  });

  it('writes human lines on a terminal, still redacted', () => {
    const { stream, lines } = sink(true);
    const log = createDaemonLogger({ level: 'info', stream });
    log.warn({ feed: 'binance-spot', token: 'sekret-token-value' }, 'reconnecting');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  reconnecting feed=binance-spot token=\[redacted\]$/);
  });

  it('keeps a URL readable and censors anything else', () => {
    expect(censor('http://127.0.0.1:8080/ws?token=t')).toBe('http://127.0.0.1:8080/ws');
    expect(censor('plain secret')).toBe('[redacted]');
  });
});
