import type { Question, QueueState, StreamEvent } from '@pulsestage/contracts';
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { trpc } from '../trpc';
import { applyToList, applyToOwn, type ListFilters, type Pages, questionIdOf } from './question-lists';
import { applyToQueue } from './queue-state';

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

function updateLists(queryClient: QueryClient, tenant: string, event: StreamEvent): void {
  const queryKey = getQueryKey(trpc.question.list, { tenant }, 'infinite');
  const lists = queryClient.getQueryCache().findAll({ queryKey });
  const known = cachedQuestion(lists, questionIdOf(event));
  for (const query of lists) {
    const data = query.state.data as Pages | undefined;
    if (!data) continue;
    const outcome = applyToList(data, filtersOf(query), event, known);
    if (outcome.kind === 'update') queryClient.setQueryData(query.queryKey, outcome.data);
    if (outcome.kind === 'refetch')
      void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
  }
}

function update<T>(queryClient: QueryClient, queryKey: QueryKey, change: (data: T) => T): void {
  queryClient.setQueriesData<T>({ queryKey }, (data) => (data === undefined ? data : change(data)));
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
export function applyStreamEvent(queryClient: QueryClient, tenant: string, event: StreamEvent): void {
  if (event.type === 'stream:resync') {
    void queryClient.invalidateQueries();
    return;
  }
  updateLists(queryClient, tenant, event);
  update<Question[]>(queryClient, getQueryKey(trpc.question.mine, { tenant }, 'query'), (own) =>
    applyToOwn(own, event),
  );
  update<QueueState>(queryClient, getQueryKey(trpc.queue.state, { tenant }, 'query'), (state) =>
    applyToQueue(state, event),
  );
  refreshTagsIfNew(queryClient, tenant, event);
}
