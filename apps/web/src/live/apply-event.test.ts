import { randomUUID } from 'node:crypto';
import type { QueueState, Tag } from '@pulsestage/contracts';
import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RouterInputs, trpc } from '../trpc';
import { applyStreamEvent } from './apply-event';
import type { OwnPages, Pages } from './question-lists';
import { MEETING_ID, makeEvent, makePages, makeQuestion } from './test-data';

// ---------------------------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------------------------

const TENANT = 'demo';
const OTHER_TENANT = 'acme';
const meetingId = MEETING_ID;
const OTHER_MEETING = randomUUID();
const ENGINEERING = randomUUID();
const SALES = randomUUID();

const TAG_KNOWN: Tag = { id: randomUUID(), name: 'Roadmap', color: '#336699' };
const TAG_NEW: Tag = { id: randomUUID(), name: 'Hiring', color: '#aa00aa' };

// ---------------------------------------------------------------------------------------------
// Query keys, built the way the hooks build them
// ---------------------------------------------------------------------------------------------

type ListInput = Omit<RouterInputs['question']['list'], 'tenant' | 'meetingId'>;

/** The key of `useQuestionList`: the list input plus the page size, as an infinite query. */
const listKey = (input: ListInput, tenant = TENANT, meeting = meetingId) =>
  getQueryKey(trpc.question.list, { tenant, meetingId: meeting, limit: 50, ...input }, 'infinite');
/** The key of `useOwnQuestions`: the caller's own questions, as an infinite query. */
const mineKey = (tenant = TENANT) =>
  getQueryKey(trpc.question.mine, { tenant, meetingId, limit: 50 }, 'infinite');
const queueKey = (tenant = TENANT, meeting = meetingId) =>
  getQueryKey(trpc.queue.state, { tenant, meetingId: meeting }, 'query');
const tagsKey = (tenant = TENANT) => getQueryKey(trpc.tag.list, { tenant }, 'query');

let queryClient: QueryClient;

beforeEach(() => {
  queryClient = new QueryClient({
    defaultOptions: { queries: { gcTime: Number.POSITIVE_INFINITY, retry: false } },
  });
});

afterEach(() => {
  queryClient.clear();
});

function stateOf(key: QueryKey) {
  const query = queryClient.getQueryCache().find({ queryKey: key, exact: true });
  if (!query) throw new Error(`no query ${JSON.stringify(key)}`);
  return query.state;
}

const isInvalidated = (key: QueryKey) => stateOf(key).isInvalidated;
const listData = (key: QueryKey) => queryClient.getQueryData<Pages>(key);
/** The caller's own questions as the cache holds them, every loaded page in order. */
const ownItems = () => queryClient.getQueryData<OwnPages>(mineKey())?.pages.flatMap((page) => page.items);
const idsOf = (key: QueryKey) => listData(key)?.pages.map((page) => page.items.map((item) => item.id));
const itemOf = (key: QueryKey, id: string) =>
  listData(key)
    ?.pages.flatMap((page) => page.items)
    .find((item) => item.id === id);

/** Every cached query key that is marked invalid, as JSON for readable failures. */
function invalidatedKeys(): string[] {
  return queryClient
    .getQueryCache()
    .getAll()
    .filter((query) => query.state.isInvalidated)
    .map((query) => JSON.stringify(query.queryKey))
    .sort();
}

// ---------------------------------------------------------------------------------------------

describe('applyStreamEvent', () => {
  const popular = makeQuestion({ upvoteCount: 8, teamId: SALES, submittedAt: '2025-03-10T09:00:00.000Z' });
  const mine = makeQuestion({
    teamId: ENGINEERING,
    upvoteCount: 1,
    body: 'My own question about release dates',
  });
  const answered = makeQuestion({
    status: 'ANSWERED',
    responseText: 'Yes',
    answeredAt: '2025-03-10T10:00:00.000Z',
    upvoteCount: 3,
  });

  const keys = {
    openTop: listKey({ status: 'OPEN', sort: 'top' }),
    openNewestEngineering: listKey({ status: 'OPEN', sort: 'newest', teamId: ENGINEERING }),
    openSales: listKey({ status: 'OPEN', sort: 'top', teamId: SALES }),
    openSearch: listKey({ status: 'OPEN', sort: 'top', search: 'release' }),
    openTagged: listKey({ status: 'OPEN', sort: 'top', tagId: TAG_KNOWN.id }),
    answered: listKey({ status: 'ANSWERED', sort: 'top' }),
    review: listKey({ status: 'UNDER_REVIEW', sort: 'newest' }),
    otherTenantOpen: listKey({ status: 'OPEN', sort: 'top' }, OTHER_TENANT),
    otherMeetingOpen: listKey({ status: 'OPEN', sort: 'top' }, TENANT, OTHER_MEETING),
    mine: mineKey(),
    queue: queueKey(),
    tags: tagsKey(),
    otherTenantQueue: queueKey(OTHER_TENANT),
    otherMeetingQueue: queueKey(TENANT, OTHER_MEETING),
  };

  /** A tab with several lists, the caller's own questions, the queue state and the tag list loaded. */
  function seedCache() {
    const data = {
      openTop: makePages([popular], [mine]),
      openNewestEngineering: makePages([mine]),
      openSales: makePages([popular]),
      openSearch: makePages([mine]),
      openTagged: makePages([]),
      answered: makePages([answered]),
      review: makePages([]),
      otherTenantOpen: makePages([popular, mine]),
      otherMeetingOpen: makePages([popular, mine]),
      mine: {
        pages: [{ items: [{ ...mine, rejectedAt: null }], nextCursor: null, sequence: 0 }],
        pageParams: [null],
      },
      queue: { frozen: false, pinnedQuestionIds: [popular.id] } satisfies QueueState,
      tags: [TAG_KNOWN],
      otherTenantQueue: { frozen: false, pinnedQuestionIds: [] } satisfies QueueState,
      otherMeetingQueue: { frozen: false, pinnedQuestionIds: [] } satisfies QueueState,
    };
    for (const name of Object.keys(keys) as (keyof typeof keys)[]) {
      queryClient.setQueryData(keys[name], data[name]);
    }
    return data;
  }

  it('builds the same list keys as the infinite query hook does', () => {
    expect(keys.openNewestEngineering).toEqual([
      ['question', 'list'],
      {
        input: { tenant: TENANT, meetingId, limit: 50, status: 'OPEN', sort: 'newest', teamId: ENGINEERING },
        type: 'infinite',
      },
    ]);
  });

  it('inserts a created question into every list whose filters it matches, and only those', () => {
    const before = seedCache();
    const fresh = makeQuestion({
      teamId: ENGINEERING,
      body: 'Which release ships the new dashboard?',
      submittedAt: '2025-03-10T11:59:00.000Z',
    });
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:created.v2', {
        meetingId,
        id: fresh.id,
        body: fresh.body,
        teamId: fresh.teamId,
        status: 'OPEN',
        upvoteCount: 0,
        submittedAt: fresh.submittedAt,
      }),
    );

    expect(idsOf(keys.openTop)).toEqual([[fresh.id, popular.id], [mine.id]]);
    expect(idsOf(keys.openNewestEngineering)).toEqual([[fresh.id, mine.id]]);
    expect(idsOf(keys.openSearch)).toEqual([[fresh.id, mine.id]]);
    expect(itemOf(keys.openTop, fresh.id)).toEqual(fresh);

    // Another team's list, the answered and review lists, and another tenant's list keep their data.
    expect(listData(keys.openSales)).toBe(before.openSales);
    expect(listData(keys.answered)).toBe(before.answered);
    expect(listData(keys.review)).toBe(before.review);
    expect(listData(keys.otherTenantOpen)).toBe(before.otherTenantOpen);
    expect(listData(keys.otherMeetingOpen)).toBe(before.otherMeetingOpen);
    expect(queryClient.getQueryData(keys.mine)).toBe(before.mine);
    expect(queryClient.getQueryData(keys.queue)).toBe(before.queue);

    // Only the tag-filtered open list cannot tell: it alone is marked to load again.
    expect(listData(keys.openTagged)).toBe(before.openTagged);
    expect(invalidatedKeys()).toEqual([JSON.stringify(keys.openTagged)]);
    expect(isInvalidated(keys.openTagged)).toBe(true);
    expect(isInvalidated(keys.openTop)).toBe(false);
  });

  it('patches a vote count in every list and in the caller’s own questions', () => {
    const before = seedCache();
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:upvoted.v2', { meetingId, questionId: mine.id, upvoteCount: 6 }),
    );

    expect(itemOf(keys.openTop, mine.id)).toEqual({ ...mine, upvoteCount: 6 });
    expect(itemOf(keys.openNewestEngineering, mine.id)?.upvoteCount).toBe(6);
    expect(itemOf(keys.openSearch, mine.id)?.upvoteCount).toBe(6);
    expect(ownItems()).toEqual([{ ...mine, upvoteCount: 6, rejectedAt: null }]);

    expect(listData(keys.openSales)).toBe(before.openSales);
    expect(listData(keys.answered)).toBe(before.answered);
    // Another tenant's or meeting's cache is never touched by this meeting's events.
    expect(listData(keys.otherTenantOpen)).toBe(before.otherTenantOpen);
    expect(listData(keys.otherMeetingOpen)).toBe(before.otherMeetingOpen);
    expect(invalidatedKeys()).toEqual([]);
  });

  it('pins a question in the lists, the caller’s own questions and the queue state', () => {
    const before = seedCache();
    const timestamp = Date.parse('2025-03-10T12:05:00.000Z');
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:pinned.v2', { meetingId, questionId: mine.id, pinned: true }, timestamp),
    );

    const pinnedMine = { ...mine, pinned: true, pinnedAt: '2025-03-10T12:05:00.000Z' };
    expect(itemOf(keys.openTop, mine.id)).toEqual(pinnedMine);
    expect(itemOf(keys.openNewestEngineering, mine.id)).toEqual(pinnedMine);
    expect(ownItems()).toEqual([{ ...pinnedMine, rejectedAt: null }]);
    expect(queryClient.getQueryData(keys.queue)).toEqual({
      frozen: false,
      pinnedQuestionIds: [mine.id, popular.id],
    });
    expect(queryClient.getQueryData(keys.otherTenantQueue)).toBe(before.otherTenantQueue);
    expect(queryClient.getQueryData(keys.otherMeetingQueue)).toBe(before.otherMeetingQueue);
    expect(invalidatedKeys()).toEqual([]);
  });

  it('freezes the queue state and leaves the lists alone', () => {
    const before = seedCache();
    applyStreamEvent(queryClient, TENANT, makeEvent('question:frozen.v2', { meetingId, frozen: true }));

    expect(queryClient.getQueryData(keys.queue)).toEqual({ frozen: true, pinnedQuestionIds: [popular.id] });
    expect(queryClient.getQueryData(keys.otherTenantQueue)).toEqual({ frozen: false, pinnedQuestionIds: [] });
    expect(queryClient.getQueryData(keys.otherMeetingQueue)).toEqual({
      frozen: false,
      pinnedQuestionIds: [],
    });
    expect(listData(keys.openTop)).toBe(before.openTop);
    expect(queryClient.getQueryData(keys.mine)).toBe(before.mine);
    expect(invalidatedKeys()).toEqual([]);
  });

  it('drops a removed question from the lists, the caller’s own questions and the pins', () => {
    seedCache();
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:removed.v2', { meetingId, questionId: popular.id }),
    );

    expect(idsOf(keys.openTop)).toEqual([[], [mine.id]]);
    expect(idsOf(keys.openSales)).toEqual([[]]);
    expect(queryClient.getQueryData(keys.queue)).toEqual({ frozen: false, pinnedQuestionIds: [] });
    expect(ownItems()).toEqual([{ ...mine, rejectedAt: null }]);
    expect(idsOf(keys.otherTenantOpen)).toEqual([[popular.id, mine.id]]);
    expect(idsOf(keys.otherMeetingOpen)).toEqual([[popular.id, mine.id]]);
    expect(invalidatedKeys()).toEqual([]);
  });

  it('moves a suggested question’s count in place, and asks the suggestions holding it again once it is removed', () => {
    const similarKey = (body: string) =>
      getQueryKey(trpc.question.similar, { tenant: TENANT, meetingId, body }, 'query');
    queryClient.setQueryData(similarKey('office move'), [popular, mine]);
    queryClient.setQueryData(similarKey('lunch'), [mine]);
    const upvoted = { meetingId, questionId: popular.id, upvoteCount: 9 };
    applyStreamEvent(queryClient, TENANT, makeEvent('question:upvoted.v2', upvoted));
    expect(queryClient.getQueryData(similarKey('office move'))).toEqual([
      { ...popular, upvoteCount: 9 },
      mine,
    ]);
    expect(invalidatedKeys()).toEqual([]);

    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:removed.v2', { meetingId, questionId: popular.id }),
    );
    expect(isInvalidated(similarKey('office move'))).toBe(true);
    expect(isInvalidated(similarKey('lunch'))).toBe(false);
  });

  it('loads the caller’s own questions again when one of theirs is removed: rejected, withdrawn or back in review', () => {
    seedCache();
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:removed.v2', { meetingId, questionId: mine.id }),
    );
    expect(invalidatedKeys()).toEqual([JSON.stringify(keys.mine)]);
  });

  it('loads the caller’s own questions again when the question one of theirs was merged into changes, not on its votes', () => {
    seedCache();
    const merged = { ...mine, mergedInto: { id: popular.id, body: popular.body, answered: false } };
    queryClient.setQueryData(keys.mine, {
      pages: [{ items: [merged], nextCursor: null, sequence: 0 }],
      pageParams: [null],
    });
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:upvoted.v2', { meetingId, questionId: popular.id, upvoteCount: 9 }),
    );
    expect(isInvalidated(keys.mine)).toBe(false);
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:answered.v3', {
        meetingId,
        id: popular.id,
        status: 'ANSWERED',
        responseText: 'Next week.',
        answeredAt: '2025-03-10T11:55:00.000Z',
        teamId: SALES,
      }),
    );
    expect(isInvalidated(keys.mine)).toBe(true);
  });

  it('moves an answered question out of the open lists, and marks the answered list that lacks it', () => {
    const before = seedCache();
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:answered.v3', {
        meetingId,
        id: mine.id,
        status: 'ANSWERED',
        responseText: 'In April.',
        answeredAt: '2025-03-10T11:55:00.000Z',
        teamId: ENGINEERING,
      }),
    );

    const answeredMine = {
      ...mine,
      status: 'ANSWERED',
      responseText: 'In April.',
      answeredAt: '2025-03-10T11:55:00.000Z',
    };
    expect(idsOf(keys.openTop)).toEqual([[popular.id], []]);
    expect(idsOf(keys.openNewestEngineering)).toEqual([[]]);
    expect(idsOf(keys.openSearch)).toEqual([[]]);
    expect(ownItems()).toEqual([{ ...answeredMine, rejectedAt: null }]);
    expect(listData(keys.answered)).toBe(before.answered);
    expect(invalidatedKeys()).toEqual([JSON.stringify(keys.answered)]);
  });

  it('keeps the tags a question got under review when its approval brings it into the open list', () => {
    const reviewed = makeQuestion({
      status: 'UNDER_REVIEW',
      tags: [TAG_KNOWN],
      body: 'Tagged while in review',
    });
    const reviewKey = listKey({ status: 'UNDER_REVIEW', sort: 'newest' });
    const openKey = listKey({ status: 'OPEN', sort: 'top' });
    queryClient.setQueryData(reviewKey, makePages([reviewed]));
    queryClient.setQueryData(openKey, makePages([popular]));

    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:created.v2', {
        meetingId,
        id: reviewed.id,
        body: reviewed.body,
        teamId: null,
        status: 'OPEN',
        upvoteCount: 0,
        submittedAt: reviewed.submittedAt,
      }),
    );

    expect(idsOf(reviewKey)).toEqual([[]]);
    expect(itemOf(openKey, reviewed.id)).toMatchObject({ status: 'OPEN', tags: [TAG_KNOWN] });
  });

  it('skips a list that has not loaded yet', () => {
    const pendingKey = listKey({ status: 'ANSWERED', sort: 'newest' });
    queryClient.getQueryCache().build(queryClient, { queryKey: pendingKey });
    applyStreamEvent(
      queryClient,
      TENANT,
      makeEvent('question:answered.v3', {
        meetingId,
        id: mine.id,
        status: 'ANSWERED',
        responseText: null,
        answeredAt: '2025-03-10T11:55:00.000Z',
        teamId: ENGINEERING,
      }),
    );
    expect(stateOf(pendingKey).data).toBeUndefined();
    expect(isInvalidated(pendingKey)).toBe(false);
  });

  it('marks every query invalid after stream:resync and keeps their data', () => {
    const before = seedCache();
    const unrelated = getQueryKey(trpc.auth.me, undefined, 'query');
    queryClient.setQueryData(unrelated, { id: randomUUID() });

    applyStreamEvent(queryClient, TENANT, makeEvent('stream:resync', { reason: 'cursor expired' }));

    const all = queryClient.getQueryCache().getAll();
    expect(all).toHaveLength(Object.keys(keys).length + 1);
    for (const query of all) expect(query.state.isInvalidated).toBe(true);
    expect(listData(keys.openTop)).toBe(before.openTop);
    expect(queryClient.getQueryData(keys.queue)).toBe(before.queue);
  });

  describe('question:tagged', () => {
    const tagEvent = (tag: Tag) => makeEvent('question:tagged.v2', { meetingId, questionId: mine.id, tag });

    it('marks the tag list invalid when the tag is new to it', () => {
      const before = seedCache();
      applyStreamEvent(queryClient, TENANT, tagEvent(TAG_NEW));

      expect(isInvalidated(keys.tags)).toBe(true);
      expect(queryClient.getQueryData(keys.tags)).toBe(before.tags);
      expect(itemOf(keys.openTop, mine.id)?.tags).toEqual([TAG_NEW]);
      expect(ownItems()?.[0]?.tags).toEqual([TAG_NEW]);
      expect(invalidatedKeys()).toEqual([JSON.stringify(keys.tags)]);
    });

    it('leaves the tag list alone when it knows the tag, and loads the list filtered by it again', () => {
      seedCache();
      applyStreamEvent(queryClient, TENANT, tagEvent(TAG_KNOWN));

      expect(isInvalidated(keys.tags)).toBe(false);
      expect(itemOf(keys.openTop, mine.id)?.tags).toEqual([TAG_KNOWN]);
      expect(invalidatedKeys()).toEqual([JSON.stringify(keys.openTagged)]);
    });

    it('does not touch another tenant’s tag list', () => {
      seedCache();
      queryClient.setQueryData(tagsKey(OTHER_TENANT), []);
      applyStreamEvent(queryClient, TENANT, tagEvent(TAG_NEW));
      expect(isInvalidated(tagsKey(OTHER_TENANT))).toBe(false);
    });
  });

  describe("an answer to, or a merge of, one of the caller's own questions", () => {
    const unreadKey = getQueryKey(trpc.notification.unreadCount, { tenant: TENANT }, 'query');
    const notificationsKey = getQueryKey(trpc.notification.list, { tenant: TENANT, limit: 20 }, 'infinite');
    const answer = (id: string) =>
      makeEvent('question:answered.v3', {
        meetingId,
        id,
        status: 'ANSWERED',
        responseText: 'Soon.',
        answeredAt: '2025-03-10T11:55:00.000Z',
        teamId: null,
      });

    beforeEach(() => {
      seedCache();
      queryClient.setQueryData(unreadKey, { unreadCount: 0 });
      queryClient.setQueryData(notificationsKey, { pages: [], pageParams: [] });
    });

    it('makes the notifications load again, even when a list patched from the stream does not say mine', () => {
      applyStreamEvent(queryClient, TENANT, answer(mine.id));
      expect(isInvalidated(unreadKey)).toBe(true);
      expect(isInvalidated(notificationsKey)).toBe(true);
    });

    it('makes them load again when one of them is removed, as a merge does', () => {
      applyStreamEvent(
        queryClient,
        TENANT,
        makeEvent('question:removed.v2', { meetingId, questionId: mine.id }),
      );
      expect(isInvalidated(unreadKey)).toBe(true);
      expect(isInvalidated(notificationsKey)).toBe(true);
    });

    it("leaves them alone for anybody else's question", () => {
      applyStreamEvent(queryClient, TENANT, answer(popular.id));
      applyStreamEvent(
        queryClient,
        TENANT,
        makeEvent('question:removed.v2', { meetingId, questionId: popular.id }),
      );
      expect(isInvalidated(unreadKey)).toBe(false);
      expect(isInvalidated(notificationsKey)).toBe(false);
    });
  });
});
