import { describe, expect, it } from 'vitest';
import { checkPingInterval, httpStatusOf, SSE_CLIENT_OPTIONS, SSE_PING_MS } from './trpc-sse.js';

describe('the tRPC stream protocol', () => {
  it('pings more often than clients give up on a silent stream', () => {
    expect(() => checkPingInterval(SSE_PING_MS)).not.toThrow();
    expect(() => checkPingInterval(39_999, 40_000)).not.toThrow();
  });

  it('refuses to start with pings as rare as, or rarer than, the clients’ inactivity timeout', () => {
    const { reconnectAfterInactivityMs } = SSE_CLIENT_OPTIONS;
    for (const pingMs of [reconnectAfterInactivityMs, reconnectAfterInactivityMs + 1, 60_000])
      expect(() => checkPingInterval(pingMs)).toThrow(
        `The tRPC stream ping interval (${pingMs} ms) must be shorter than the clients' reconnect-after-inactivity timeout (${reconnectAfterInactivityMs} ms)`,
      );
  });

  it('answers each refusal with the HTTP status tRPC gives its code', () => {
    expect(httpStatusOf('BAD_REQUEST')).toBe(400);
    expect(httpStatusOf('UNAUTHORIZED')).toBe(401);
    expect(httpStatusOf('FORBIDDEN')).toBe(403);
    expect(httpStatusOf('NOT_FOUND')).toBe(404);
    expect(httpStatusOf('METHOD_NOT_SUPPORTED')).toBe(405);
    expect(httpStatusOf('TOO_MANY_REQUESTS')).toBe(429);
  });
});
