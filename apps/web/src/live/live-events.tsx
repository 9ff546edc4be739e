import type { StreamEvent, VersionSelection } from '@pulsestage/contracts';
import { hashKey, type QueryClient, useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { t } from 'i18next';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { errorCode } from '../lib/errors';
import { useOnline } from '../lib/use-online';
import { trpc } from '../trpc';
import { type AccessEnd, AccessEnded } from './access-ended';
import { applyStreamEvent, catchUp, tenantOf } from './apply-event';
import { EventLog } from './event-log';
import { recordDeleted, recordPresence } from './live-state';

/**
 * The web app reads the newest version of every family: the ones that say which meeting a question is in,
 * and pulse's two, which have one version each.
 */
const SUBSCRIBED_VERSIONS: VersionSelection = {
  'question:created': 2,
  'question:upvoted': 2,
  'question:answered': 3,
  'question:tagged': 2,
  'question:untagged': 2,
  'question:pinned': 2,
  'question:frozen': 2,
  'question:removed': 2,
  'question:pending': 2,
  'tenant:updated': 3,
  'pulse.response.recorded': 1,
  'checkin:opened': 1,
};

/** Refusals that another attempt cannot fix: the person must sign in again or lost access. */
const FINAL_ERRORS = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST']);
/** Refusals that mean the person may no longer see the organization at all. */
const ACCESS_ENDS: Record<string, AccessEnd> = { UNAUTHORIZED: 'signed-out', FORBIDDEN: 'access-ended' };
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30_000;

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

interface Connection {
  state: ConnectionState;
  /** Why the stream stopped for good (state `offline`), or why it is reconnecting when the device is offline. */
  detail: string | null;
  retry(): void;
}

const ConnectionContext = createContext<Connection>({ state: 'connecting', detail: null, retry: () => {} });

export const useConnection = () => useContext(ConnectionContext);

/** Applies one streamed event, once, in order; `stream:resync` starts the log again where it stands. */
function applyReceived(
  queryClient: QueryClient,
  tenant: string,
  log: EventLog,
  id: string,
  event: StreamEvent,
) {
  const seq = Number(id);
  if (event.type === 'stream:resync') log.restart(seq);
  else if (!log.record(seq, event)) return;
  applyStreamEvent(queryClient, tenant, event);
}

/**
 * Catches up every query of the tenant that loads data older than what the stream applied, and, when
 * the stream opens, what was cached while another stream (another meeting's, say) kept it current.
 */
function useCatchUp(queryClient: QueryClient, tenant: string, log: EventLog): void {
  useEffect(() => {
    for (const query of queryClient.getQueryCache().getAll()) catchUp(queryClient, tenant, query, log);
  }, [queryClient, tenant, log]);
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((change) => {
        // Data the live layer wrote itself (`manual`) is already current.
        if (change.type !== 'updated' || change.action.type !== 'success' || change.action.manual) return;
        catchUp(queryClient, tenant, change.query, log);
      }),
    [queryClient, tenant, log],
  );
}

/** Once access ended, nothing of the tenant stays on screen or in memory but its name. */
function useForgetTenant(queryClient: QueryClient, tenant: string, ended: boolean): void {
  useEffect(() => {
    if (!ended) return;
    const kept = hashKey(getQueryKey(trpc.tenant.get, { tenant }, 'query'));
    queryClient.removeQueries({
      predicate: (query) => tenantOf(query) === tenant && query.queryHash !== kept,
    });
  }, [queryClient, tenant, ended]);
}

/**
 * A meeting's stream refused as not found: the meeting was deleted while the stream was away (its
 * page loaded it before), so the page says so as if it had heard `meeting:deleted`.
 */
function useMeetingGone(queryClient: QueryClient, tenant: string, meetingId: string | undefined): void {
  useEffect(() => {
    if (meetingId) recordDeleted(queryClient, tenant, meetingId);
  }, [queryClient, tenant, meetingId]);
}

/**
 * Reopens a stream that ended on anything but a refusal (a proxy's 502 while the server restarts, say),
 * backing off, so a presenter screen recovers without anyone touching it. Says whether it was ever live.
 */
function useRetry(status: string, refused: boolean, reopen: () => void): boolean {
  const [everLive, setEverLive] = useState(false);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (status === 'pending') {
      setEverLive(true);
      setFailures(0);
    }
  }, [status]);
  useEffect(() => {
    if (status !== 'error' || refused) return;
    const timer = setTimeout(
      () => {
        setFailures((count) => count + 1);
        reopen();
      },
      Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** failures),
    );
    return () => clearTimeout(timer);
  }, [status, refused, reopen, failures]);
  return everLive;
}

interface StreamStatus {
  status: string;
  error: { message: string } | null;
  refused: boolean;
  online: boolean;
  everLive: boolean;
}

/** What the connection indicator says, from the subscription's own state and the browser's. */
function connectionOf(
  { status, error, refused, online, everLive }: StreamStatus,
  retry: () => void,
): Connection {
  if (refused) return { state: 'offline', detail: error?.message ?? null, retry };
  if (!online) return { state: 'reconnecting', detail: t('connection.deviceOffline'), retry };
  if (status === 'pending') return { state: 'live', detail: null, retry };
  return { state: everLive ? 'reconnecting' : 'connecting', detail: null, retry };
}

/**
 * The tab's one live subscription to a tenant's events, or to one meeting's (and the tenant-wide
 * ones) when `meetingId` is set: every event is applied to the query cache,
 * so every component reading a query follows along. It starts from `startAt`, the position the
 * tenant's snapshot reflects, and always resumes from the last event it applied, so nothing committed
 * meanwhile is missed (a restart, an instance switch, a page opened before its stream). The connection
 * state comes from the subscription itself (and the browser's own offline signal), never from a guess.
 */
export function LiveEvents({
  tenant,
  meetingId,
  startAt,
  children,
}: {
  tenant: string;
  meetingId?: string | undefined;
  startAt: number;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const online = useOnline();
  const [log] = useState(() => new EventLog(startAt));
  const [resumeFrom, setResumeFrom] = useState(startAt);
  useCatchUp(queryClient, tenant, log);
  const { status, error, reset } = trpc.events.subscribe.useSubscription(
    {
      tenant,
      versions: SUBSCRIBED_VERSIONS,
      lastEventId: String(resumeFrom),
      ...(meetingId && { meetingId }),
    },
    {
      // Presence is not part of the sequence and has no id of its own, but the browser's EventSource
      // repeats the previous event's id on it: it is told apart by its type.
      onData: (item) => {
        const event = 'id' in item ? item.data : item;
        if (event.type === 'meeting:presence.v1') recordPresence(queryClient, tenant, event.data);
        else if ('id' in item) applyReceived(queryClient, tenant, log, item.id, item.data);
      },
    },
  );
  // Opening the stream again resumes after the last event applied, not where this tab first started.
  const reopen = useCallback(() => {
    if (log.position === resumeFrom) reset();
    else setResumeFrom(log.position);
  }, [log, resumeFrom, reset]);
  const code = status === 'error' ? (errorCode(error) ?? '') : '';
  const refused = FINAL_ERRORS.has(code);
  const accessEnd = ACCESS_ENDS[code];
  const everLive = useRetry(status, refused, reopen);
  useForgetTenant(queryClient, tenant, accessEnd !== undefined);
  useMeetingGone(queryClient, tenant, code === 'NOT_FOUND' ? meetingId : undefined);

  if (accessEnd) return <AccessEnded end={accessEnd} />;
  const connection = connectionOf({ status, error, refused, online, everLive }, reopen);
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}
