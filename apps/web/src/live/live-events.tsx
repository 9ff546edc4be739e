import type { VersionSelection } from '@pulsestage/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { errorCode } from '../lib/errors';
import { trpc } from '../trpc';
import { applyStreamEvent } from './apply-event';

/** The web app reads `question:answered` v2: it shows when a question was answered. */
const SUBSCRIBED_VERSIONS: VersionSelection = { 'question:answered': 2 };

/** Refusals that another attempt cannot fix: the person must sign in again or lost access. */
const FINAL_ERRORS = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST']);
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30_000;

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface Connection {
  state: ConnectionState;
  /** Why the stream stopped for good (state `offline`), or why it is reconnecting when the device is offline. */
  detail: string | null;
  retry(): void;
}

const ConnectionContext = createContext<Connection>({ state: 'connecting', detail: null, retry: () => {} });

export const useConnection = () => useContext(ConnectionContext);

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/**
 * The tab's one live subscription to a tenant's events: every event is applied to the query cache,
 * so every component reading a query follows along. The connection state comes from the
 * subscription itself (and the browser's own offline signal), never from a guess.
 */
export function LiveEvents({ tenant, children }: { tenant: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const online = useOnline();
  const [everLive, setEverLive] = useState(false);
  const subscription = trpc.events.subscribe.useSubscription(
    { tenant, versions: SUBSCRIBED_VERSIONS },
    { onData: (item) => applyStreamEvent(queryClient, tenant, item.data) },
  );
  const { status, error, reset } = subscription;
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (status === 'pending') {
      setEverLive(true);
      setFailures(0);
    }
  }, [status]);
  // A stream that ended on anything but a refusal (a proxy's 502 while the server restarts, say) is
  // opened again, backing off, so a presenter screen recovers without anyone touching it.
  const refused = status === 'error' && FINAL_ERRORS.has(errorCode(error) ?? '');
  useEffect(() => {
    if (status !== 'error' || refused) return;
    const timer = setTimeout(
      () => {
        setFailures((count) => count + 1);
        reset();
      },
      Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** failures),
    );
    return () => clearTimeout(timer);
  }, [status, refused, reset, failures]);

  let connection: Connection;
  const retry = reset;
  if (refused) {
    connection = { state: 'offline', detail: error?.message ?? null, retry };
  } else if (!online) {
    connection = { state: 'reconnecting', detail: 'This device is offline', retry };
  } else if (status === 'pending') {
    connection = { state: 'live', detail: null, retry };
  } else {
    connection = { state: everLive ? 'reconnecting' : 'connecting', detail: null, retry };
  }
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}
