import type { QueueSnapshot, TenantSnapshot } from '@pulsestage/contracts';
import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { beforeEach, describe, expect, it } from 'vitest';
import { trpc } from '../trpc';
import { applyStreamEvent, catchUp } from './apply-event';
import { EventLog } from './event-log';
import type { Pages } from './question-lists';
import { makeEvent, makePages, makeQuestion, MEETING_ID as meetingId } from './test-data';

const TENANT = 'demo';
const queueKey = getQueryKey(trpc.queue.state, { tenant: TENANT, meetingId }, 'query');
const listKey = getQueryKey(trpc.question.list, { tenant: TENANT, meetingId, limit: 50 }, 'infinite');
const tenantKey = getQueryKey(trpc.tenant.get, { tenant: TENANT }, 'query');

let queryClient: QueryClient;
beforeEach(() => {
  queryClient = new QueryClient({ defaultOptions: { queries: { gcTime: Number.POSITIVE_INFINITY } } });
});

function queryOf(key: QueryKey) {
  const query = queryClient.getQueryCache().find({ queryKey: key, exact: true });
  if (!query) throw new Error(`no query ${JSON.stringify(key)}`);
  return query;
}

/** A log that applied `events` after `start`, numbered one by one, as the stream hands them over. */
function applied(start: number, ...events: Parameters<typeof applyStreamEvent>[2][]): EventLog {
  const log = new EventLog(start);
  for (const [index, event] of events.entries()) {
    log.record(start + index + 1, event);
    applyStreamEvent(queryClient, TENANT, event);
  }
  return log;
}

describe('catchUp', () => {
  const question = makeQuestion({ upvoteCount: 1 });

  it('re-applies what a snapshot older than the stream missed, to that snapshot only', () => {
    const log = applied(
      10,
      makeEvent('question:frozen.v2', { meetingId, frozen: true }),
      makeEvent('question:upvoted.v2', { meetingId, questionId: question.id, upvoteCount: 4 }),
    );
    // A refetch that read the queue at 10, and a list at 11, arrive after the stream applied 12.
    queryClient.setQueryData<QueueSnapshot>(queueKey, { frozen: false, pinnedQuestionIds: [], sequence: 10 });
    const list = makePages([question]);
    queryClient.setQueryData<Pages>(listKey, {
      ...list,
      pages: list.pages.map((page) => ({ ...page, sequence: 11 })),
    });

    catchUp(queryClient, TENANT, queryOf(queueKey), log);
    catchUp(queryClient, TENANT, queryOf(listKey), log);

    expect(queryClient.getQueryData<QueueSnapshot>(queueKey)?.frozen).toBe(true);
    expect(queryClient.getQueryData<Pages>(listKey)?.pages[0]?.items[0]?.upvoteCount).toBe(4);
  });

  it('leaves a snapshot as new as the stream alone, and loads again one the log cannot cover', () => {
    const log = new EventLog(50, 1);
    log.record(51, makeEvent('question:frozen.v2', { meetingId, frozen: true }));
    log.record(52, makeEvent('question:frozen.v2', { meetingId, frozen: false }));
    queryClient.setQueryData<QueueSnapshot>(queueKey, { frozen: true, pinnedQuestionIds: [], sequence: 52 });
    catchUp(queryClient, TENANT, queryOf(queueKey), log);
    expect(queryOf(queueKey).state.isInvalidated).toBe(false);
    expect(queryClient.getQueryData<QueueSnapshot>(queueKey)?.frozen).toBe(true);

    queryClient.setQueryData<QueueSnapshot>(queueKey, { frozen: true, pinnedQuestionIds: [], sequence: 50 });
    catchUp(queryClient, TENANT, queryOf(queueKey), log);
    expect(queryOf(queueKey).state.isInvalidated).toBe(true);
  });
});

describe('tenant:updated.v3', () => {
  it('gives the cached tenant its new name and settings', () => {
    const tenant: TenantSnapshot = {
      id: crypto.randomUUID(),
      slug: TENANT,
      name: 'Demo',
      role: 'member',
      sequence: 3,
      settings: {
        requireApproval: false,
        allowGuests: false,
        minQuestionLength: 1,
        maxQuestionLength: 2000,
        submitLimitPerMinute: 5,
        upvoteLimitPerMinute: 120,
        defaultLanguage: null,
      },
    };
    queryClient.setQueryData(tenantKey, tenant);
    const settings = { ...tenant.settings, requireApproval: true, maxQuestionLength: 280 };
    applyStreamEvent(queryClient, TENANT, makeEvent('tenant:updated.v3', { name: 'Demo Inc', settings }));
    expect(queryClient.getQueryData(tenantKey)).toEqual({ ...tenant, name: 'Demo Inc', settings });
  });
});
