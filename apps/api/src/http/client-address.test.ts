import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies } from './client-address.js';

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('clientAddress', () => {
  const proxies = parseTrustedProxies('10.0.0.0/8, ::1');

  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), undefined)).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), proxies)).toBe('203.0.113.9');
  });

  it('takes the address the trusted proxy saw, not what the client wrote on the left', () => {
    const req = request('::ffff:10.0.0.2', '1.2.3.4, 198.51.100.7');
    expect(clientAddress(req, proxies)).toBe('198.51.100.7');
  });

  it('walks back through a chain of trusted proxies', () => {
    expect(clientAddress(request('::1', '198.51.100.7, 10.1.1.1, 10.2.2.2'), proxies)).toBe('198.51.100.7');
  });

  it('keeps the proxy when the header is missing or malformed', () => {
    expect(clientAddress(request('10.0.0.2'), proxies)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2', 'not-an-address'), proxies)).toBe('10.0.0.2');
  });

  it('refuses entries that are neither an address nor a range', () => {
    expect(() => parseTrustedProxies('10.0.0.0/8, proxy.local')).toThrow(/proxy.local/);
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/prefix/);
  });
});
