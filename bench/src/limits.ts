/** The machine limits a run with many connections needs, checked before anything starts. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function shellLimit(): number {
  try {
    const value = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
  } catch {
    return Number.NaN;
  }
}

/**
 * The server holds one descriptor per subscriber and every load process its share: fail early, with
 * the command that fixes it, rather than with EMFILE halfway through.
 */
export function checkLimits(subscribers: number, loaders: number): void {
  const limit = shellLimit();
  const needed = subscribers + 512;
  if (Number.isFinite(limit) && limit < needed) {
    throw new Error(
      `The open-files limit (ulimit -n) is ${limit}, too low for ${subscribers} subscribers: the server ` +
        `needs one descriptor per connection plus ~512. Raise it in this shell and run again:\n` +
        `  ulimit -n ${Math.max(65536, needed)}\n` +
        '(as root, or within the hard limit shown by `ulimit -Hn`).',
    );
  }
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const ports = Number(high) - Number(low) + 1;
    if (ports < subscribers + 1000) {
      throw new Error(
        `Only ${ports} local ports (/proc/sys/net/ipv4/ip_local_port_range) for ${subscribers} loopback ` +
          'connections to one port. Widen the range: sysctl -w net.ipv4.ip_local_port_range="1024 65535"',
      );
    }
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Only ')) throw error;
  }
  if (loaders < 1) throw new Error('--loaders must be at least 1');
}
