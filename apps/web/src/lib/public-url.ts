import { trpc } from '../trpc';

/**
 * Where people reach PulseStage, for QR codes and links: the server's `PUBLIC_URL`, or the address this
 * page was opened at when it has none. Undefined until the server has answered, so no wrong address
 * is ever shown.
 */
export function usePublicOrigin(): string | undefined {
  const config = trpc.auth.publicUrl.useQuery();
  if (!config.data) return undefined;
  return config.data.publicUrl ?? window.location.origin;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether this page was opened at an address only this computer can reach. */
export function openedOnLoopback(): boolean {
  const host = window.location.hostname;
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost');
}
