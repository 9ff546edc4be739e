import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** The proxies whose `X-Forwarded-For` is believed: addresses or CIDR ranges (`TRUSTED_PROXIES`). */
export type TrustedProxies = BlockList;

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** `::ffff:10.0.0.1`, as dual-stack sockets report IPv4 peers, is `10.0.0.1`. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Parses `10.0.0.0/8, 127.0.0.1, ::1`; throws naming the entry that is neither an address nor a range. */
export function parseTrustedProxies(list: string): TrustedProxies {
  const proxies = new BlockList();
  for (const entry of list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [address = '', prefix] = entry.split('/');
    if (!isIP(address)) throw new Error(`"${entry}" is not an IP address or CIDR range`);
    if (prefix === undefined) proxies.addAddress(address, familyOf(address));
    else {
      const bits = Number(prefix);
      const max = familyOf(address) === 'ipv6' ? 128 : 32;
      if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new Error(`"${entry}" has a bad prefix`);
      proxies.addSubnet(address, bits, familyOf(address));
    }
  }
  return proxies;
}

function isTrusted(proxies: TrustedProxies | undefined, address: string): boolean {
  return Boolean(proxies && isIP(address) && proxies.check(address, familyOf(address)));
}

/**
 * The address of the client a request came from. `X-Forwarded-For` is read only when the peer is a
 * trusted proxy, from the right, skipping further trusted proxies: what a client writes there itself
 * sits on the left and is never believed.
 */
export function clientAddress(req: IncomingMessage, proxies: TrustedProxies | undefined): string {
  let address = plainAddress(req.socket.remoteAddress ?? 'unknown');
  if (!isTrusted(proxies, address)) return address;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => plainAddress(part.trim()))
    .filter(Boolean);
  while (forwarded.length > 0 && isTrusted(proxies, address)) {
    const next = forwarded.pop() as string;
    if (!isIP(next)) break;
    address = next;
  }
  return address;
}
