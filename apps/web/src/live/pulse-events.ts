import type { PulsePending, StreamEvent } from '@pulsestage/contracts';
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { trpc } from '../trpc';

/**
 * A whole cohort is invited in the same instant: spread over this long, its open pages do not all ask
 * for their check-in at once.
 */
export const PENDING_JITTER_MS = 2000;
/** Answers arriving together make the dashboard load its results once. */
export const RESULTS_DEBOUNCE_MS = 1000;

/** Whether a `checkin:opened` for `cohortName` invites the person whose pending check-ins these are. */
export function invites(cohortName: string, pending: PulsePending | undefined): boolean {
  return pending?.cohortName === cohortName;
}

/** Loads that are already planned, per query, so a burst of events plans one. */
const planned = new WeakMap<QueryClient, Set<string>>();

/** Loads `query` again after `delayMs`, unless a load of it is already planned. */
function refetchLater(queryClient: QueryClient, query: Query, delayMs: number): void {
  const queries = planned.get(queryClient) ?? new Set<string>();
  planned.set(queryClient, queries);
  if (queries.has(query.queryHash)) return;
  queries.add(query.queryHash);
  setTimeout(() => {
    queries.delete(query.queryHash);
    void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
  }, delayMs);
}

function cached(queryClient: QueryClient, queryKey: QueryKey, scope: (query: Query) => boolean): Query[] {
  return queryClient.getQueryCache().findAll({ queryKey }).filter(scope);
}

/**
 * Pulse events carry nothing a page shows as it is: a cohort's invitation makes its members' pending
 * check-ins load (a moment later, at random); an answer, or a new round's invitations, make the results
 * dashboard load (once for a burst). Everywhere else they change nothing.
 */
export function applyPulseEvent(
  queryClient: QueryClient,
  tenant: string,
  event: StreamEvent,
  scope: (query: Query) => boolean,
): void {
  if (event.type !== 'checkin:opened.v1' && event.type !== 'pulse.response.recorded.v1') return;
  const resultsKey = getQueryKey(trpc.pulse.results, { tenant }, 'query');
  for (const query of cached(queryClient, resultsKey, scope))
    refetchLater(queryClient, query, RESULTS_DEBOUNCE_MS);
  if (event.type !== 'checkin:opened.v1') return;
  const pendingKey = getQueryKey(trpc.pulse.pending, { tenant }, 'query');
  for (const query of cached(queryClient, pendingKey, scope)) {
    if (invites(event.data.cohortName, query.state.data as PulsePending | undefined))
      refetchLater(queryClient, query, Math.floor(Math.random() * PENDING_JITTER_MS));
  }
}
