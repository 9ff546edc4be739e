import type {
  MeetingList,
  MeetingSnapshot,
  OwnQuestion,
  Question,
  QueueState,
  StreamEvent,
  TenantSettings,
  TenantSnapshot,
} from '@pulsestage/contracts';
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { trpc } from '../trpc';
import { type EventLog, fetchedSequence } from './event-log';
import { recordDeleted } from './live-state';
import { applyToMeeting, applyToMeetingList, type MeetingListWhen, meetingIdOf } from './meeting-state';
import { applyPulseEvent } from './pulse-events';
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

function inputOf<T>(query: Query): Partial<T> {
  return (query.queryKey[1] as { input?: Partial<T> } | undefined)?.input ?? {};
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

/** What a question event's queries are found by: the tenant and the question's meeting. */
interface Where {
  tenant: string;
  meetingId: string;
}

function updateLists(queryClient: QueryClient, where: Where, event: StreamEvent, scope: Scope): void {
  const queryKey = getQueryKey(trpc.question.list, where, 'infinite');
  const lists = queryClient.getQueryCache().findAll({ queryKey });
  const known = cachedQuestion(lists, questionIdOf(event));
  for (const query of lists.filter(scope)) {
    const data = query.state.data as Pages | undefined;
    if (!data) continue;
    const outcome = applyToList(data, inputOf<ListFilters>(query), event, known);
    applyOutcome(queryClient, query, outcome);
  }
}

function applyOutcome<T>(
  queryClient: QueryClient,
  query: Query,
  outcome: { kind: 'update'; data: T } | { kind: 'refetch' } | { kind: 'unchanged' },
): void {
  if (outcome.kind === 'update') queryClient.setQueryData(query.queryKey, outcome.data);
  if (outcome.kind === 'refetch')
    void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
}

/**
 * The author's own questions: patched at once, and loaded again when one is removed, since only the
 * server knows whether it was rejected, withdrawn, or sent back to review by an edit; and when the
 * question one of them was merged into changes (answered, reopened, reworded, hidden), since only the
 * server says how a merged question may still name it.
 */
function updateOwn(queryClient: QueryClient, where: Where, event: StreamEvent, scope: Scope): void {
  const queryKey = getQueryKey(trpc.question.mine, where, 'infinite');
  update<OwnPages>(queryClient, queryKey, scope, (own) => applyToOwnPages(own, event));
  const questionId = questionIdOf(event);
  if (questionId === undefined || event.type === 'question:upvoted.v2') return;
  const removed = event.type === 'question:removed.v2';
  const concerned = (item: OwnQuestion) =>
    (removed && item.id === questionId) || item.mergedInto?.id === questionId;
  const holds = (query: Query) =>
    scope(query) &&
    ((query.state.data as OwnPages | undefined)?.pages ?? []).some((page) => page.items.some(concerned));
  void queryClient.invalidateQueries({ queryKey, predicate: holds });
}

/**
 * The similar questions offered while typing: a suggested question's count moves in place; any other
 * change of one (removed, merged, answered, edited) asks again, since only the server knows whether it
 * still belongs there.
 */
function updateSimilar(queryClient: QueryClient, where: Where, event: StreamEvent, scope: Scope): void {
  const questionId = questionIdOf(event);
  const queryKey = getQueryKey(trpc.question.similar, where, 'query');
  if (event.type === 'question:upvoted.v2') {
    const { upvoteCount } = event.data;
    update<Question[]>(queryClient, queryKey, scope, (similar) =>
      similar.map((item) => (item.id === questionId ? { ...item, upvoteCount } : item)),
    );
    return;
  }
  const suggests = (query: Query) =>
    scope(query) &&
    ((query.state.data as Question[] | undefined) ?? []).some((item) => item.id === questionId);
  void queryClient.invalidateQueries({ queryKey, predicate: suggests });
}

function updateQueue(queryClient: QueryClient, where: Where, event: StreamEvent, scope: Scope): void {
  const queryKey = getQueryKey(trpc.queue.state, where, 'query');
  update<QueueState>(queryClient, queryKey, scope, (state) => applyToQueue(state, event));
  // A restored question may be pinned again: only the server says.
  if (event.type === 'question:restored.v1')
    void queryClient.invalidateQueries({ queryKey, predicate: scope });
}

function updateMeetings(
  queryClient: QueryClient,
  tenant: string,
  event: StreamEvent,
  scope: Scope,
  defaults: TenantSettings,
): void {
  update<MeetingSnapshot>(queryClient, getQueryKey(trpc.meeting.get, { tenant }, 'query'), scope, (meeting) =>
    applyToMeeting(meeting, event, defaults),
  );
  const lists = queryClient
    .getQueryCache()
    .findAll({ queryKey: getQueryKey(trpc.meeting.list, { tenant }, 'query') });
  for (const query of lists.filter(scope)) {
    const data = query.state.data as MeetingList | undefined;
    if (!data) continue;
    const { when } = inputOf<{ when: MeetingListWhen }>(query);
    applyOutcome(queryClient, query, applyToMeetingList(data, when, event, defaults));
  }
  if (event.type === 'meeting:deleted.v1') recordDeleted(queryClient, tenant, event.data.id);
}

function update<T>(queryClient: QueryClient, queryKey: QueryKey, scope: Scope, change: (data: T) => T): void {
  queryClient.setQueriesData<T>({ queryKey, predicate: scope }, (data) =>
    data === undefined ? data : change(data),
  );
}

/** What may leave the author of a question a notification: its answer, or its merge (which removes it). */
const NOTIFYING_EVENTS: ReadonlySet<StreamEvent['type']> = new Set([
  'question:answered.v3',
  'question:removed.v2',
]);

/**
 * An answer to, or a removal of, one of the caller's own questions (the cached lists say `mine`) may
 * have left them a notification: only then does this tab ask for its notifications again, not on
 * every answer.
 */
function refreshNotificationsIfMine(queryClient: QueryClient, where: Where, event: StreamEvent): void {
  if (!NOTIFYING_EVENTS.has(event.type)) return;
  const cache = queryClient.getQueryCache();
  const questionId = questionIdOf(event);
  const cached = (procedure: typeof trpc.question.list | typeof trpc.question.mine) =>
    cachedQuestion(cache.findAll({ queryKey: getQueryKey(procedure, where, 'infinite') }), questionId);
  // The own list holds only the caller's questions; a list patched from the stream never says `mine`.
  const own = cached(trpc.question.mine) !== undefined || cached(trpc.question.list)?.mine;
  if (!own) return;
  const input = { tenant: where.tenant };
  void queryClient.invalidateQueries({
    queryKey: getQueryKey(trpc.notification.unreadCount, input, 'query'),
  });
  void queryClient.invalidateQueries({ queryKey: getQueryKey(trpc.notification.list, input, 'infinite') });
}

/** A tag the tag list does not know yet (created since it loaded) makes the list load again. */
function refreshTagsIfNew(queryClient: QueryClient, tenant: string, event: StreamEvent): void {
  if (event.type !== 'question:tagged.v2') return;
  const queryKey = getQueryKey(trpc.tag.list, { tenant }, 'query');
  const tags = queryClient.getQueryData<{ id: string }[]>(queryKey);
  if (tags && !tags.some((tag) => tag.id === event.data.tag.id))
    void queryClient.invalidateQueries({ queryKey });
}

/**
 * Applies one event of the tab's stream (the tenant's, or one meeting's) to every cached query it touches. After `stream:resync`
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
  const tenantKey = getQueryKey(trpc.tenant.get, { tenant }, 'query');
  update<TenantSnapshot>(queryClient, tenantKey, scope, (current) => applyToTenant(current, event));
  const defaults = queryClient.getQueryData<TenantSnapshot>(tenantKey)?.settings;
  if (defaults) updateMeetings(queryClient, tenant, event, scope, defaults);
  refreshTagsIfNew(queryClient, tenant, event);
  applyPulseEvent(queryClient, tenant, event, scope);
  const meetingId = meetingIdOf(event);
  if (!meetingId || !event.type.startsWith('question:')) return;
  const where = { tenant, meetingId };
  refreshNotificationsIfMine(queryClient, where, event);
  updateLists(queryClient, where, event, scope);
  updateOwn(queryClient, where, event, scope);
  updateSimilar(queryClient, where, event, scope);
  updateQueue(queryClient, where, event, scope);
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
