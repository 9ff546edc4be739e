import type { Question, QueueState, StreamEvent, TenantSnapshot } from '@pulsestage/contracts';
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { trpc } from '../trpc';
import { type EventLog, fetchedSequence } from './event-log';
import {
  applyToList,
  applyToOwnPages,
  type ListFilters,
  type OwnPages,
  type Pages,
  questionIdOf,
} from './question-lists';
import { applyToQueue } from './queue-state';
import { applyToTenant } from './tenant-state';

function filtersOf(query: Query): ListFilters {
  return ((query.queryKey[1] as { input?: ListFilters } | undefined)?.input ?? {}) as ListFilters;
}

/** The question as some cached list holds it now, before the event changes anything. */
function cachedQuestion(lists: Query[], questionId: string | undefined): Question | undefined {
  for (const query of lists) {
    for (const page of (query.state.data as Pages | undefined)?.pages ?? []) {
      const found = page.items.find((item) => item.id === questionId);
      if (found) return found;
    }
  }
  return undefined;
}

/** Which cached queries an event is applied to: all of the tenant's, or one being caught up. */
type Scope = (query: Query) => boolean;
const EVERY_QUERY: Scope = () => true;

function updateLists(queryClient: QueryClient, tenant: string, event: StreamEvent, scope: Scope): void {
  const queryKey = getQueryKey(trpc.question.list, { tenant }, 'infinite');
  const lists = queryClient.getQueryCache().findAll({ queryKey });
  const known = cachedQuestion(lists, questionIdOf(event));
  for (const query of lists.filter(scope)) {
    const data = query.state.data as Pages | undefined;
    if (!data) continue;
    const outcome = applyToList(data, filtersOf(query), event, known);
    if (outcome.kind === 'update') queryClient.setQueryData(query.queryKey, outcome.data);
    if (outcome.kind === 'refetch')
      void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
  }
}

function update<T>(queryClient: QueryClient, queryKey: QueryKey, scope: Scope, change: (data: T) => T): void {
  queryClient.setQueriesData<T>({ queryKey, predicate: scope }, (data) =>
    data === undefined ? data : change(data),
  );
}

/** A tag the tag list does not know yet (created since it loaded) makes the list load again. */
function refreshTagsIfNew(queryClient: QueryClient, tenant: string, event: StreamEvent): void {
  if (event.type !== 'question:tagged') return;
  const queryKey = getQueryKey(trpc.tag.list, { tenant }, 'query');
  const tags = queryClient.getQueryData<{ id: string }[]>(queryKey);
  if (tags && !tags.some((tag) => tag.id === event.data.tag.id))
    void queryClient.invalidateQueries({ queryKey });
}

/**
 * Applies one event of the tenant's stream to every cached query it touches. After `stream:resync`
 * (the stream could not resume where this tab left off) everything is loaded again.
 */
export function applyStreamEvent(
  queryClient: QueryClient,
  tenant: string,
  event: StreamEvent,
  scope: Scope = EVERY_QUERY,
): void {
  if (event.type === 'stream:resync') {
    void queryClient.invalidateQueries();
    return;
  }
  updateLists(queryClient, tenant, event, scope);
  update<OwnPages>(queryClient, getQueryKey(trpc.question.mine, { tenant }, 'infinite'), scope, (own) =>
    applyToOwnPages(own, event),
  );
  update<QueueState>(queryClient, getQueryKey(trpc.queue.state, { tenant }, 'query'), scope, (state) =>
    applyToQueue(state, event),
  );
  update<TenantSnapshot>(queryClient, getQueryKey(trpc.tenant.get, { tenant }, 'query'), scope, (current) =>
    applyToTenant(current, event),
  );
  refreshTagsIfNew(queryClient, tenant, event);
}

/** The tenant a cached tRPC query was loaded for. */
export const tenantOf = (query: Query) =>
  (query.queryKey[1] as { input?: { tenant?: unknown } } | undefined)?.input?.tenant;

/**
 * Brings freshly fetched data that is older than the stream (a refetch that raced live events) up to
 * the stream's position by applying the events it missed from the log, in order; the rules are
 * idempotent, so an event the data already reflects changes nothing. When the log no longer reaches
 * back that far, the query loads again.
 */
export function catchUp(queryClient: QueryClient, tenant: string, query: Query, log: EventLog): void {
  if (tenantOf(query) !== tenant) return;
  const fetchedMore = (query.state.fetchMeta as { fetchMore?: { direction?: 'forward' | 'backward' } } | null)
    ?.fetchMore?.direction;
  const sequence = fetchedSequence(query.state.data, fetchedMore);
  if (sequence === undefined || sequence >= log.position) return;
  const missed = log.after(sequence);
  if (!missed) {
    void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
    return;
  }
  for (const { event } of missed) applyStreamEvent(queryClient, tenant, event, (other) => other === query);
}
