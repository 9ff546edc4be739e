import { randomUUID } from 'node:crypto';
import type { Question, StreamEvent, Tag } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import {
  applyToList,
  applyToOwn,
  applyToOwnPages,
  changedQuestion,
  compareQuestions,
  type ListFilters,
  type ListOutcome,
  type Pages,
  questionIdOf,
  visibleQuestions,
} from './question-lists';
import {
  deepFreeze,
  MEETING_ID,
  makeEvent,
  makeOwnQuestion,
  makePages,
  makeQuestion,
  NOW,
} from './test-data';

// ---------------------------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------------------------

const ENGINEERING = randomUUID();
const SALES = randomUUID();

const TAG_ALPHA: Tag = { id: randomUUID(), name: 'Alpha', color: '#ff0000' };
const TAG_BETA: Tag = { id: randomUUID(), name: 'beta', color: '#00ff00' };
const TAG_GAMMA: Tag = { id: randomUUID(), name: 'Gamma', color: '#0000ff' };

const meetingId = MEETING_ID;
const created = (q: Question, upvoteCount = q.upvoteCount) =>
  makeEvent('question:created.v2', {
    meetingId,
    id: q.id,
    body: q.body,
    teamId: q.teamId,
    status: 'OPEN',
    upvoteCount,
    submittedAt: q.submittedAt,
  });
const upvoted = (questionId: string, upvoteCount: number) =>
  makeEvent('question:upvoted.v2', { meetingId, questionId, upvoteCount });
const answeredV2 = (
  q: Question,
  responseText: string | null = 'Next sprint.',
  answeredAt = '2025-03-10T11:30:00.000Z',
) =>
  makeEvent('question:answered.v3', {
    meetingId,
    id: q.id,
    status: 'ANSWERED',
    responseText,
    answeredAt,
    teamId: q.teamId,
  });
const tagged = (questionId: string, tag: Tag) =>
  makeEvent('question:tagged.v2', { meetingId, questionId, tag });
const untagged = (questionId: string, tagId: string) =>
  makeEvent('question:untagged.v2', { meetingId, questionId, tagId });
const pinned = (questionId: string, isPinned: boolean, timestamp = NOW) =>
  makeEvent('question:pinned.v2', { meetingId, questionId, pinned: isPinned }, timestamp);
const frozen = (isFrozen: boolean) => makeEvent('question:frozen.v2', { meetingId, frozen: isFrozen });
const removed = (questionId: string) => makeEvent('question:removed.v2', { meetingId, questionId });
const pending = (q: Pick<Question, 'id' | 'body' | 'teamId' | 'submittedAt'>) =>
  makeEvent('question:pending.v2', {
    meetingId,
    id: q.id,
    body: q.body,
    teamId: q.teamId,
    submittedAt: q.submittedAt,
  });
const edited = (questionId: string, body: string, timestamp = NOW) =>
  makeEvent('question:edited.v1', { meetingId, questionId, body }, timestamp);
const hidden = (questionId: string) => makeEvent('question:hidden.v1', { meetingId, questionId });
const restored = (questionId: string) => makeEvent('question:restored.v1', { meetingId, questionId });
const reopened = (questionId: string) => makeEvent('question:reopened.v1', { meetingId, questionId });
const resync = () => makeEvent('stream:resync', { reason: 'cursor older than the retained log' });

/** Every event type, about `q` where the event is about a question. */
function everyEvent(q: Question): StreamEvent[] {
  return [
    created(q),
    upvoted(q.id, 3),
    answeredV2(q),
    tagged(q.id, TAG_ALPHA),
    untagged(q.id, TAG_ALPHA.id),
    pinned(q.id, true),
    pinned(q.id, false),
    frozen(true),
    removed(q.id),
    pending(q),
    edited(q.id, 'Reworded'),
    hidden(q.id),
    restored(q.id),
    reopened(q.id),
    resync(),
  ];
}

// ---------------------------------------------------------------------------------------------
// Helpers over outcomes
// ---------------------------------------------------------------------------------------------

const UNCHANGED: ListOutcome = { kind: 'unchanged' };
const REFETCH: ListOutcome = { kind: 'refetch' };

function updated(outcome: ListOutcome): Pages {
  if (outcome.kind !== 'update') throw new Error(`expected an update, got ${outcome.kind}`);
  return outcome.data;
}

/** The ids of a list, page by page. */
const idsOf = (list: Pages) => list.pages.map((page) => page.items.map((item) => item.id));

function itemOf(list: Pages, id: string): Question | undefined {
  for (const page of list.pages) for (const item of page.items) if (item.id === id) return item;
  return undefined;
}

const OPEN: ListFilters = { status: 'OPEN', sort: 'top' };
const ANSWERED: ListFilters = { status: 'ANSWERED', sort: 'top' };
const REVIEW: ListFilters = { status: 'UNDER_REVIEW', sort: 'newest' };

// ---------------------------------------------------------------------------------------------

describe('questionIdOf', () => {
  it('reads `id` or `questionId`, and nothing for events about no question', () => {
    const q = makeQuestion();
    expect(questionIdOf(created(q))).toBe(q.id);
    expect(questionIdOf(answeredV2(q))).toBe(q.id);
    expect(questionIdOf(pending(q))).toBe(q.id);
    expect(questionIdOf(upvoted(q.id, 1))).toBe(q.id);
    expect(questionIdOf(tagged(q.id, TAG_ALPHA))).toBe(q.id);
    expect(questionIdOf(untagged(q.id, TAG_ALPHA.id))).toBe(q.id);
    expect(questionIdOf(pinned(q.id, true))).toBe(q.id);
    expect(questionIdOf(removed(q.id))).toBe(q.id);
    expect(questionIdOf(edited(q.id, 'x'))).toBe(q.id);
    expect(questionIdOf(hidden(q.id))).toBe(q.id);
    expect(questionIdOf(frozen(true))).toBeUndefined();
    expect(questionIdOf(resync())).toBeUndefined();
  });
});

describe('question:created', () => {
  const existing = makeQuestion({
    body: 'Older question',
    upvoteCount: 4,
    submittedAt: '2025-03-10T10:00:00.000Z',
  });
  const fresh = makeQuestion({
    body: 'When is the next Release?',
    teamId: ENGINEERING,
    submittedAt: '2025-03-10T11:59:00.000Z',
  });

  it('inserts the new question at the front of the first page of the open queue, built from the event', () => {
    const later = makeQuestion({ upvoteCount: 1 });
    const list = makePages([existing], [later]);
    const data = updated(applyToList(list, OPEN, created(fresh, 2)));

    expect(idsOf(data)).toEqual([[fresh.id, existing.id], [later.id]]);
    expect(data.pages[0]?.items[0]).toEqual({
      id: fresh.id,
      meetingId,
      body: 'When is the next Release?',
      teamId: ENGINEERING,
      status: 'OPEN',
      upvoteCount: 2,
      submittedAt: '2025-03-10T11:59:00.000Z',
      responseText: null,
      answeredAt: null,
      pinned: false,
      pinnedAt: null,
      tags: [],
      upvotedByMe: false,
      mine: false,
      hidden: false,
      editedAt: null,
    });
    expect(data.pages[0]?.nextCursor).toBe('cursor-1');
    expect(data.pages[0]?.items[1]).toBe(existing);
    expect(data.pages[1]).toBe(list.pages[1]);
    expect(data.pageParams).toBe(list.pageParams);
  });

  it('treats a list without a status filter as the open queue', () => {
    const data = updated(applyToList(makePages([existing]), {}, created(fresh)));
    expect(idsOf(data)).toEqual([[fresh.id, existing.id]]);
  });

  it('starts a first page when the list holds no page', () => {
    const data = updated(applyToList(makePages(), OPEN, created(fresh)));
    expect(data.pages).toEqual([
      { items: [expect.objectContaining({ id: fresh.id })], nextCursor: null, sequence: 0 },
    ]);
  });

  it('inserts into a list filtered by the question’s team, not into another team’s list', () => {
    expect(
      idsOf(updated(applyToList(makePages([existing]), { ...OPEN, teamId: ENGINEERING }, created(fresh)))),
    ).toEqual([[fresh.id, existing.id]]);
    expect(applyToList(makePages([existing]), { ...OPEN, teamId: SALES }, created(fresh))).toEqual(UNCHANGED);
  });

  it('keeps a question without a team out of team-filtered lists', () => {
    const teamless = makeQuestion({ teamId: null });
    expect(applyToList(makePages([existing]), { ...OPEN, teamId: ENGINEERING }, created(teamless))).toEqual(
      UNCHANGED,
    );
    expect(idsOf(updated(applyToList(makePages([existing]), OPEN, created(teamless))))).toEqual([
      [teamless.id, existing.id],
    ]);
  });

  it('inserts into a searched list when the body contains the search, ignoring case and surrounding spaces', () => {
    for (const search of ['release', 'NEXT RELEASE', '  the next re  ', '?']) {
      const data = updated(applyToList(makePages([existing]), { ...OPEN, search }, created(fresh)));
      expect(idsOf(data)).toEqual([[fresh.id, existing.id]]);
    }
  });

  it('treats a blank search as no search', () => {
    const data = updated(applyToList(makePages([existing]), { ...OPEN, search: '   ' }, created(fresh)));
    expect(idsOf(data)).toEqual([[fresh.id, existing.id]]);
  });

  it('keeps the question out of a searched list whose search it does not contain', () => {
    expect(applyToList(makePages([existing]), { ...OPEN, search: 'holiday' }, created(fresh))).toEqual(
      UNCHANGED,
    );
    expect(applyToList(makePages([existing]), { ...OPEN, search: 'release  date' }, created(fresh))).toEqual(
      UNCHANGED,
    );
  });

  it('needs both the team and the search to match', () => {
    const filters = { ...OPEN, teamId: ENGINEERING, search: 'release' };
    expect(applyToList(makePages([existing]), filters, created(fresh)).kind).toBe('update');
    expect(applyToList(makePages([existing]), { ...filters, search: 'budget' }, created(fresh))).toEqual(
      UNCHANGED,
    );
    expect(applyToList(makePages([existing]), { ...filters, teamId: SALES }, created(fresh))).toEqual(
      UNCHANGED,
    );
  });

  it('leaves the answered list and a review list without the question alone', () => {
    expect(applyToList(makePages([existing]), ANSWERED, created(fresh))).toEqual(UNCHANGED);
    expect(applyToList(makePages([existing]), { ...ANSWERED, teamId: ENGINEERING }, created(fresh))).toEqual(
      UNCHANGED,
    );
    expect(applyToList(makePages([existing]), REVIEW, created(fresh))).toEqual(UNCHANGED);
  });

  it('asks a tag-filtered open list to load again: the event does not say which tags the question has', () => {
    expect(applyToList(makePages([existing]), { ...OPEN, tagId: TAG_ALPHA.id }, created(fresh))).toEqual(
      REFETCH,
    );
    expect(applyToList(makePages([]), { tagId: TAG_ALPHA.id }, created(fresh))).toEqual(REFETCH);
  });

  it('does not ask a tag-filtered list of another status or team to load again', () => {
    expect(applyToList(makePages([existing]), { ...ANSWERED, tagId: TAG_ALPHA.id }, created(fresh))).toEqual(
      UNCHANGED,
    );
    expect(
      applyToList(makePages([existing]), { ...OPEN, tagId: TAG_ALPHA.id, teamId: SALES }, created(fresh)),
    ).toEqual(UNCHANGED);
  });

  it('does not insert a question the list already holds a second time', () => {
    const held = makeQuestion({ ...fresh, upvoteCount: 5, tags: [TAG_ALPHA] });
    const data = updated(applyToList(makePages([held, existing]), OPEN, created(fresh, 0)));
    expect(idsOf(data)).toEqual([[held.id, existing.id]]);
    // The held copy keeps what the event does not carry (its votes and tags).
    expect(data.pages[0]?.items[0]).toEqual({ ...held, status: 'OPEN' });
  });

  it('does not insert a question held on a later page into the first page', () => {
    const held = makeQuestion({ ...fresh });
    const data = updated(applyToList(makePages([existing], [held]), OPEN, created(fresh)));
    expect(idsOf(data)).toEqual([[existing.id], [held.id]]);
  });

  describe('approval (a reviewed question becomes visible)', () => {
    const reviewed = makeQuestion({
      body: 'Can we approve this?',
      status: 'UNDER_REVIEW',
      teamId: SALES,
      submittedAt: '2025-03-10T11:45:00.000Z',
    });
    const otherReviewed = makeQuestion({ status: 'UNDER_REVIEW' });

    it('removes the question from the review list', () => {
      const data = updated(applyToList(makePages([otherReviewed, reviewed]), REVIEW, created(reviewed)));
      expect(idsOf(data)).toEqual([[otherReviewed.id]]);
      expect(data.pages[0]?.items[0]).toBe(otherReviewed);
    });

    it('removes it from a review list that holds it on a later page', () => {
      const data = updated(applyToList(makePages([otherReviewed], [reviewed]), REVIEW, created(reviewed)));
      expect(idsOf(data)).toEqual([[otherReviewed.id], []]);
    });

    it('removes it from a filtered review list as well', () => {
      const data = updated(
        applyToList(
          makePages([reviewed]),
          { ...REVIEW, teamId: SALES, search: 'approve' },
          created(reviewed),
        ),
      );
      expect(idsOf(data)).toEqual([[]]);
    });

    it('inserts it into the open queue as an open question', () => {
      const data = updated(applyToList(makePages([existing]), OPEN, created(reviewed)));
      expect(idsOf(data)).toEqual([[reviewed.id, existing.id]]);
      expect(data.pages[0]?.items[0]).toEqual({ ...reviewed, status: 'OPEN' });
    });
  });
});

describe('question:upvoted', () => {
  const target = makeQuestion({ upvoteCount: 2, upvotedByMe: true });
  const other = makeQuestion({ upvoteCount: 7 });

  it.each([
    ['the open queue', OPEN],
    ['the answered list', ANSWERED],
    ['the review list', REVIEW],
    ['a filtered list', { ...OPEN, teamId: SALES, tagId: TAG_ALPHA.id, search: 'zzz' }],
  ])('sets the count from the event in %s', (_, filters) => {
    const list = makePages([other, target]);
    const data = updated(applyToList(list, filters, upvoted(target.id, 3)));
    expect(data.pages[0]?.items).toEqual([other, { ...target, upvoteCount: 3 }]);
    expect(data.pages[0]?.items[0]).toBe(other);
  });

  it('sets the count downwards too and keeps the caller’s own vote flag', () => {
    const data = updated(applyToList(makePages([target]), OPEN, upvoted(target.id, 0)));
    expect(itemOf(data, target.id)).toEqual({ ...target, upvoteCount: 0, upvotedByMe: true });
  });

  it('patches a question on a later page and leaves the first page’s items alone', () => {
    const list = makePages([other], [target]);
    const data = updated(applyToList(list, OPEN, upvoted(target.id, 9)));
    expect(idsOf(data)).toEqual([[other.id], [target.id]]);
    expect(data.pages[0]?.items[0]).toBe(other);
    expect(data.pages[1]?.items[0]).toEqual({ ...target, upvoteCount: 9 });
    expect(data.pages[1]?.nextCursor).toBeNull();
  });

  it('patches every copy when pages overlap', () => {
    const data = updated(applyToList(makePages([target], [target]), OPEN, upvoted(target.id, 4)));
    expect(data.pages.map((page) => page.items[0]?.upvoteCount)).toEqual([4, 4]);
  });

  it('leaves a list that does not hold the question unchanged', () => {
    expect(applyToList(makePages([other]), OPEN, upvoted(target.id, 3))).toEqual(UNCHANGED);
    expect(applyToList(makePages(), OPEN, upvoted(target.id, 3))).toEqual(UNCHANGED);
  });
});

describe('question:answered.v3', () => {
  const engineering = makeQuestion({ teamId: ENGINEERING, upvoteCount: 3, tags: [TAG_ALPHA] });
  const teamless = makeQuestion({ teamId: null });
  const other = makeQuestion();

  it.each([
    ['the open queue', OPEN],
    ['a list without a status', {}],
    ['a team-filtered open queue', { ...OPEN, teamId: ENGINEERING }],
    ['a tag-filtered open queue', { ...OPEN, tagId: TAG_ALPHA.id }],
  ])('removes the question from %s', (_, filters) => {
    const data = updated(applyToList(makePages([other, engineering]), filters, answeredV2(engineering)));
    expect(idsOf(data)).toEqual([[other.id]]);
    expect(data.pages[0]?.items[0]).toBe(other);
  });

  it('removes the question from a later page of the open queue', () => {
    const data = updated(applyToList(makePages([other], [engineering]), OPEN, answeredV2(engineering)));
    expect(idsOf(data)).toEqual([[other.id], []]);
  });

  it('leaves an open queue without the question unchanged', () => {
    expect(applyToList(makePages([other]), OPEN, answeredV2(engineering))).toEqual(UNCHANGED);
  });

  it('patches the answer into an answered list that holds the question (an edited answer)', () => {
    const answered = makeQuestion({
      ...engineering,
      status: 'ANSWERED',
      responseText: 'First answer',
      answeredAt: '2025-03-10T11:10:00.000Z',
    });
    const data = updated(
      applyToList(
        makePages([other], [answered]),
        ANSWERED,
        answeredV2(engineering, 'Edited answer', '2025-03-10T11:50:00.000Z'),
      ),
    );
    expect(data.pages[0]?.items[0]).toBe(other);
    expect(data.pages[1]?.items[0]).toEqual({
      ...answered,
      status: 'ANSWERED',
      responseText: 'Edited answer',
      answeredAt: '2025-03-10T11:50:00.000Z',
    });
  });

  it('asks an answered list that lacks the question to load again', () => {
    expect(applyToList(makePages([other]), ANSWERED, answeredV2(engineering))).toEqual(REFETCH);
    expect(applyToList(makePages(), ANSWERED, answeredV2(teamless))).toEqual(REFETCH);
  });

  it('asks an answered list of the question’s own team that lacks it to load again', () => {
    expect(
      applyToList(makePages([other]), { ...ANSWERED, teamId: ENGINEERING }, answeredV2(engineering)),
    ).toEqual(REFETCH);
  });

  it('asks a tag- or search-filtered answered list that lacks it to load again', () => {
    expect(
      applyToList(makePages([other]), { ...ANSWERED, tagId: TAG_ALPHA.id }, answeredV2(engineering)),
    ).toEqual(REFETCH);
    expect(applyToList(makePages([other]), { ...ANSWERED, search: 'ship' }, answeredV2(engineering))).toEqual(
      REFETCH,
    );
  });

  it('ignores an answer to another team’s question in a team-filtered answered list', () => {
    expect(applyToList(makePages([other]), { ...ANSWERED, teamId: SALES }, answeredV2(engineering))).toEqual(
      UNCHANGED,
    );
    expect(applyToList(makePages([other]), { ...ANSWERED, teamId: SALES }, answeredV2(teamless))).toEqual(
      UNCHANGED,
    );
  });

  it('leaves a review list without the question unchanged', () => {
    expect(applyToList(makePages([other]), REVIEW, answeredV2(engineering))).toEqual(UNCHANGED);
  });
});

describe('question:tagged', () => {
  const target = makeQuestion({ tags: [TAG_ALPHA, TAG_GAMMA] });
  const other = makeQuestion();

  it('adds the tag to the question, keeping tags sorted by name', () => {
    const data = updated(applyToList(makePages([other, target]), OPEN, tagged(target.id, TAG_BETA)));
    expect(data.pages[0]?.items[0]).toBe(other);
    expect(itemOf(data, target.id)).toEqual({ ...target, tags: [TAG_ALPHA, TAG_BETA, TAG_GAMMA] });
  });

  it('adds a first tag', () => {
    const untaggedQuestion = makeQuestion();
    const data = updated(
      applyToList(makePages([untaggedQuestion]), OPEN, tagged(untaggedQuestion.id, TAG_GAMMA)),
    );
    expect(itemOf(data, untaggedQuestion.id)?.tags).toEqual([TAG_GAMMA]);
  });

  it('does not add a tag the question already has', () => {
    const data = updated(applyToList(makePages([target]), OPEN, tagged(target.id, TAG_GAMMA)));
    expect(itemOf(data, target.id)).toEqual(target);
    expect(itemOf(data, target.id)?.tags).toEqual([TAG_ALPHA, TAG_GAMMA]);
  });

  it('patches a question held on a later page', () => {
    const data = updated(applyToList(makePages([other], [target]), ANSWERED, tagged(target.id, TAG_BETA)));
    expect(data.pages[1]?.items[0]?.tags).toEqual([TAG_ALPHA, TAG_BETA, TAG_GAMMA]);
  });

  it('asks a list filtered by that tag which lacks the question to load again', () => {
    expect(
      applyToList(makePages([other]), { ...OPEN, tagId: TAG_BETA.id }, tagged(target.id, TAG_BETA)),
    ).toEqual(REFETCH);
    expect(
      applyToList(makePages([other]), { ...ANSWERED, tagId: TAG_BETA.id }, tagged(target.id, TAG_BETA)),
    ).toEqual(REFETCH);
  });

  it('patches a list filtered by that tag which already holds the question', () => {
    const data = updated(
      applyToList(makePages([target]), { ...OPEN, tagId: TAG_BETA.id }, tagged(target.id, TAG_BETA)),
    );
    expect(itemOf(data, target.id)?.tags).toEqual([TAG_ALPHA, TAG_BETA, TAG_GAMMA]);
  });

  it('leaves lists without the question unchanged, including lists filtered by another tag', () => {
    expect(applyToList(makePages([other]), OPEN, tagged(target.id, TAG_BETA))).toEqual(UNCHANGED);
    expect(
      applyToList(makePages([other]), { ...OPEN, tagId: TAG_ALPHA.id }, tagged(target.id, TAG_BETA)),
    ).toEqual(UNCHANGED);
  });
});

describe('question:untagged', () => {
  const target = makeQuestion({ tags: [TAG_ALPHA, TAG_BETA] });
  const other = makeQuestion({ tags: [TAG_BETA] });

  it('removes the tag from the question in an unfiltered list', () => {
    const data = updated(applyToList(makePages([other, target]), OPEN, untagged(target.id, TAG_BETA.id)));
    expect(data.pages[0]?.items).toEqual([other, { ...target, tags: [TAG_ALPHA] }]);
    expect(data.pages[0]?.items[0]).toBe(other);
  });

  it('removes the question from a list filtered by that tag', () => {
    const data = updated(
      applyToList(
        makePages([other], [target]),
        { ...OPEN, tagId: TAG_BETA.id },
        untagged(target.id, TAG_BETA.id),
      ),
    );
    expect(idsOf(data)).toEqual([[other.id], []]);
  });

  it('patches the question in a list filtered by another tag', () => {
    const data = updated(
      applyToList(makePages([target]), { ...OPEN, tagId: TAG_ALPHA.id }, untagged(target.id, TAG_BETA.id)),
    );
    expect(itemOf(data, target.id)?.tags).toEqual([TAG_ALPHA]);
  });

  it('leaves lists without the question unchanged', () => {
    expect(applyToList(makePages([other]), OPEN, untagged(target.id, TAG_BETA.id))).toEqual(UNCHANGED);
    expect(
      applyToList(makePages([other]), { ...OPEN, tagId: TAG_ALPHA.id }, untagged(target.id, TAG_ALPHA.id)),
    ).toEqual(UNCHANGED);
  });
});

describe('question:pinned', () => {
  const target = makeQuestion();
  const other = makeQuestion();
  const PIN_TIME = Date.parse('2025-03-10T12:34:56.789Z');

  it('pins the question with pinnedAt taken from the event’s timestamp', () => {
    const data = updated(applyToList(makePages([other, target]), OPEN, pinned(target.id, true, PIN_TIME)));
    expect(data.pages[0]?.items).toEqual([
      other,
      { ...target, pinned: true, pinnedAt: '2025-03-10T12:34:56.789Z' },
    ]);
  });

  it('moves pinnedAt forward when an already pinned question is pinned again', () => {
    const held = makeQuestion({ pinned: true, pinnedAt: '2025-03-10T09:00:00.000Z' });
    const data = updated(applyToList(makePages([held]), OPEN, pinned(held.id, true, PIN_TIME)));
    expect(itemOf(data, held.id)).toEqual({ ...held, pinnedAt: '2025-03-10T12:34:56.789Z' });
  });

  it('clears pinned and pinnedAt when unpinned', () => {
    const held = makeQuestion({ pinned: true, pinnedAt: '2025-03-10T09:00:00.000Z' });
    const data = updated(applyToList(makePages([other], [held]), OPEN, pinned(held.id, false, PIN_TIME)));
    expect(data.pages[1]?.items[0]).toEqual({ ...held, pinned: false, pinnedAt: null });
  });

  it('leaves lists without the question unchanged', () => {
    expect(applyToList(makePages([other]), OPEN, pinned(target.id, true))).toEqual(UNCHANGED);
  });
});

describe('question:removed', () => {
  const target = makeQuestion({ status: 'UNDER_REVIEW' });
  const other = makeQuestion();

  it.each([
    ['the open queue', OPEN],
    ['the answered list', ANSWERED],
    ['the review list', REVIEW],
    ['a tag-filtered list', { ...OPEN, tagId: TAG_ALPHA.id }],
  ])('removes the question from %s', (_, filters) => {
    const data = updated(applyToList(makePages([target, other]), filters, removed(target.id)));
    expect(idsOf(data)).toEqual([[other.id]]);
    expect(data.pages[0]?.items[0]).toBe(other);
  });

  it('removes the question from a later page and every overlapping copy', () => {
    const data = updated(applyToList(makePages([other, target], [target]), OPEN, removed(target.id)));
    expect(idsOf(data)).toEqual([[other.id], []]);
    expect(data.pages.map((page) => page.nextCursor)).toEqual(['cursor-1', null]);
  });

  it('leaves lists without the question unchanged', () => {
    expect(applyToList(makePages([other]), OPEN, removed(target.id))).toEqual(UNCHANGED);
  });
});

describe('question:pending', () => {
  const waiting = {
    id: randomUUID(),
    body: 'Is the Roadmap public?',
    teamId: SALES,
    submittedAt: '2025-03-10T11:58:00.000Z',
  };
  const reviewed = makeQuestion({ status: 'UNDER_REVIEW' });

  it('inserts a new review question at the front of the review list', () => {
    const data = updated(applyToList(makePages([reviewed]), REVIEW, pending(waiting)));
    expect(idsOf(data)).toEqual([[waiting.id, reviewed.id]]);
    expect(data.pages[0]?.items[0]).toEqual({
      ...waiting,
      meetingId,
      status: 'UNDER_REVIEW',
      hidden: false,
      editedAt: null,
      upvoteCount: 0,
      responseText: null,
      answeredAt: null,
      pinned: false,
      pinnedAt: null,
      tags: [],
      upvotedByMe: false,
      mine: false,
    });
  });

  it('does not insert it twice', () => {
    const list = makePages([reviewed]);
    const once = updated(applyToList(list, REVIEW, pending(waiting)));
    expect(applyToList(deepFreeze(once), REVIEW, pending(waiting))).toEqual(UNCHANGED);
    expect(
      applyToList(
        makePages([reviewed], [makeQuestion({ ...waiting, status: 'UNDER_REVIEW' })]),
        REVIEW,
        pending(waiting),
      ),
    ).toEqual(UNCHANGED);
  });

  it.each([
    ['the open queue', OPEN],
    ['a list without a status', {}],
    ['the answered list', ANSWERED],
  ])('keeps it out of %s', (_, filters) => {
    expect(applyToList(makePages([reviewed]), filters, pending(waiting))).toEqual(UNCHANGED);
  });

  it('keeps it out of a tag-filtered review list (a new question has no tags)', () => {
    expect(applyToList(makePages([reviewed]), { ...REVIEW, tagId: TAG_ALPHA.id }, pending(waiting))).toEqual(
      UNCHANGED,
    );
  });

  it('follows the team and search filters of the review list', () => {
    expect(applyToList(makePages([]), { ...REVIEW, teamId: SALES }, pending(waiting)).kind).toBe('update');
    expect(applyToList(makePages([]), { ...REVIEW, teamId: ENGINEERING }, pending(waiting))).toEqual(
      UNCHANGED,
    );
    expect(applyToList(makePages([]), { ...REVIEW, search: ' roadmap ' }, pending(waiting)).kind).toBe(
      'update',
    );
    expect(applyToList(makePages([]), { ...REVIEW, search: 'budget' }, pending(waiting))).toEqual(UNCHANGED);
  });
});

describe('question:frozen', () => {
  it.each([
    ['the open queue', OPEN],
    ['the answered list', ANSWERED],
    ['the review list', REVIEW],
  ])('leaves %s unchanged', (_, filters) => {
    expect(applyToList(makePages([makeQuestion()]), filters, frozen(true))).toEqual(UNCHANGED);
    expect(applyToList(makePages([makeQuestion()]), filters, frozen(false))).toEqual(UNCHANGED);
  });
});

describe('stream:resync', () => {
  it.each([
    ['the open queue', OPEN],
    ['the answered list', ANSWERED],
    ['the review list', REVIEW],
    ['a filtered list', { ...OPEN, teamId: SALES, tagId: TAG_ALPHA.id, search: 'x' }],
  ])('asks %s to load again', (_, filters) => {
    expect(applyToList(makePages([makeQuestion()]), filters, resync())).toEqual(REFETCH);
    expect(applyToList(makePages(), filters, resync())).toEqual(REFETCH);
  });
});

describe('unchanged outcomes', () => {
  const held = makeQuestion({ status: 'ANSWERED', teamId: ENGINEERING });
  const stranger = makeQuestion({ teamId: SALES });

  it('are exactly { kind: "unchanged" }, carry no data and leave the (frozen) list as it was', () => {
    const list = makePages([held]);
    const before = structuredClone(list);
    const reloading = ['stream:resync', 'question:restored.v1'];
    for (const event of everyEvent(stranger).filter((e) => !reloading.includes(e.type))) {
      const outcome = applyToList(list, { ...REVIEW, tagId: TAG_BETA.id }, event);
      expect(outcome).toStrictEqual({ kind: 'unchanged' });
    }
    expect(list).toEqual(before);
  });

  it('come for every event about a question the list does not hold and cannot gain', () => {
    const list = makePages([held]);
    const filters = { ...ANSWERED, teamId: ENGINEERING };
    const outcomes = [
      applyToList(list, filters, created(stranger)),
      applyToList(list, filters, upvoted(stranger.id, 1)),
      applyToList(list, filters, answeredV2(stranger)),
      applyToList(list, filters, tagged(stranger.id, TAG_ALPHA)),
      applyToList(list, filters, untagged(stranger.id, TAG_ALPHA.id)),
      applyToList(list, filters, pinned(stranger.id, true)),
      applyToList(list, filters, removed(stranger.id)),
      applyToList(list, filters, pending(stranger)),
      applyToList(list, filters, frozen(true)),
      applyToList(list, filters, edited(stranger.id, 'Reworded')),
      applyToList(list, filters, hidden(stranger.id)),
      applyToList(list, filters, reopened(stranger.id)),
    ];
    expect(outcomes).toEqual(Array(outcomes.length).fill(UNCHANGED));
  });
});

describe('question:edited', () => {
  const target = makeQuestion({ body: 'How do we ship faster' });
  const other = makeQuestion();

  it('patches the text and marks the question edited at the event’s time', () => {
    const data = updated(
      applyToList(makePages([other, target]), OPEN, edited(target.id, 'How do we ship faster?')),
    );
    expect(itemOf(data, target.id)).toEqual({
      ...target,
      body: 'How do we ship faster?',
      editedAt: new Date(NOW).toISOString(),
    });
    expect(itemOf(data, other.id)).toBe(other);
  });

  it('asks a searched list to load again: the new text may match the search or not', () => {
    expect(
      applyToList(makePages([target]), { ...OPEN, search: 'ship' }, edited(target.id, 'Other words')),
    ).toEqual(REFETCH);
  });

  it('leaves a list without the question unchanged', () => {
    expect(applyToList(makePages([other]), OPEN, edited(target.id, 'x'))).toEqual(UNCHANGED);
  });
});

describe('question:hidden and question:restored', () => {
  const target = makeQuestion({ pinned: true });
  const other = makeQuestion();
  const HIDDEN: ListFilters = { hidden: true, sort: 'top' };

  it('takes a hidden question out of every list but the hidden one', () => {
    for (const filters of [OPEN, ANSWERED, { ...OPEN, teamId: SALES }]) {
      expect(idsOf(updated(applyToList(makePages([target, other]), filters, hidden(target.id))))).toEqual([
        [other.id],
      ]);
    }
  });

  it('asks the hidden list to load again for a newly hidden question, which the event does not carry', () => {
    expect(applyToList(makePages([other]), HIDDEN, hidden(target.id))).toEqual(REFETCH);
  });

  it('asks the other lists to load again for a restored question, and drops it from the hidden list', () => {
    expect(applyToList(makePages([other]), OPEN, restored(target.id))).toEqual(REFETCH);
    const held = { ...target, hidden: true };
    expect(idsOf(updated(applyToList(makePages([held, other]), HIDDEN, restored(target.id))))).toEqual([
      [other.id],
    ]);
  });

  it('follows changes to the questions the hidden list holds, and never inserts into it', () => {
    const held = { ...target, hidden: true };
    expect(
      itemOf(updated(applyToList(makePages([held]), HIDDEN, edited(target.id, 'New'))), target.id)?.body,
    ).toBe('New');
    expect(applyToList(makePages([]), HIDDEN, created(target))).toEqual(UNCHANGED);
    expect(applyToList(makePages([]), HIDDEN, pending(target))).toEqual(UNCHANGED);
  });
});

describe('question:reopened', () => {
  const answered = makeQuestion({
    status: 'ANSWERED',
    responseText: 'Done',
    answeredAt: '2025-03-10T11:30:00.000Z',
  });
  const other = makeQuestion();

  it('takes the question out of the answered list', () => {
    expect(
      idsOf(updated(applyToList(makePages([answered, other]), ANSWERED, reopened(answered.id)))),
    ).toEqual([[other.id]]);
  });

  it('asks the open queue to load again for it, since the event does not carry the question', () => {
    expect(applyToList(makePages([other]), OPEN, reopened(answered.id))).toEqual(REFETCH);
  });

  it('opens a question the list holds, clearing its answer', () => {
    const data = updated(applyToList(makePages([answered]), OPEN, reopened(answered.id)));
    expect(itemOf(data, answered.id)).toEqual({
      ...answered,
      status: 'OPEN',
      responseText: null,
      answeredAt: null,
    });
  });
});

describe('question:answered.v3 without text (answered live)', () => {
  it('answers the question with no text', () => {
    const target = makeQuestion();
    const answered = makeQuestion({ ...target, status: 'ANSWERED' });
    const data = updated(applyToList(makePages([answered]), ANSWERED, answeredV2(target, null)));
    expect(itemOf(data, target.id)).toMatchObject({ status: 'ANSWERED', responseText: null });
  });
});

describe('changedQuestion', () => {
  const q = makeQuestion({ teamId: ENGINEERING, tags: [TAG_BETA], upvoteCount: 2 });

  it('returns null for a removed question and the same object for events that do not change it', () => {
    expect(changedQuestion(q, removed(q.id))).toBeNull();
    expect(changedQuestion(q, frozen(true))).toBe(q);
    expect(changedQuestion(q, pending(q))).toBe(q);
    expect(changedQuestion(q, resync())).toBe(q);
    expect(changedQuestion(q, tagged(q.id, TAG_BETA))).toBe(q);
  });
});

describe('applyToOwn', () => {
  const mine = makeOwnQuestion({ status: 'UNDER_REVIEW', teamId: SALES, body: 'My question' });
  const second = makeOwnQuestion({ upvoteCount: 1 });
  const own = deepFreeze([mine, second]);
  const stranger = makeQuestion();

  it('returns the very same array for events about questions the caller did not ask', () => {
    for (const event of everyEvent(stranger)) expect(applyToOwn(own, event)).toBe(own);
  });

  it('returns the very same array for events about no question', () => {
    expect(applyToOwn(own, frozen(true))).toBe(own);
    expect(applyToOwn(own, resync())).toBe(own);
  });

  it('opens an approved question', () => {
    expect(applyToOwn(own, created(mine, 0))).toEqual([{ ...mine, status: 'OPEN' }, second]);
  });

  it('follows votes, answers, tags and pins on any status', () => {
    expect(applyToOwn(own, upvoted(second.id, 5))).toEqual([mine, { ...second, upvoteCount: 5 }]);
    expect(applyToOwn(own, answeredV2(second, 'Yes', '2025-03-10T11:40:00.000Z'))).toEqual([
      mine,
      { ...second, status: 'ANSWERED', responseText: 'Yes', answeredAt: '2025-03-10T11:40:00.000Z' },
    ]);
    expect(applyToOwn(own, tagged(mine.id, TAG_ALPHA))).toEqual([{ ...mine, tags: [TAG_ALPHA] }, second]);
    expect(applyToOwn([{ ...mine, tags: [TAG_ALPHA] }], untagged(mine.id, TAG_ALPHA.id))).toEqual([mine]);
    expect(applyToOwn(own, pinned(second.id, true))).toEqual([
      mine,
      { ...second, pinned: true, pinnedAt: new Date(NOW).toISOString() },
    ]);
  });

  it('marks its author’s question hidden and restored', () => {
    expect(applyToOwn(own, hidden(second.id))).toEqual([mine, { ...second, hidden: true }]);
    expect(applyToOwn([{ ...second, hidden: true }], restored(second.id))).toEqual([second]);
  });

  it('keeps the other questions as the same objects', () => {
    const result = applyToOwn(own, upvoted(second.id, 5));
    expect(result).not.toBe(own);
    expect(result[0]).toBe(mine);
  });

  it('keeps a removed question for its author, marked rejected at the time of the event, and nothing more', () => {
    const published = makeOwnQuestion({ upvoteCount: 3, upvotedByMe: true, tags: [TAG_ALPHA], pinned: true });
    const rejectedAt = new Date(NOW).toISOString();
    expect(applyToOwn([published, second], removed(published.id))).toEqual([
      {
        ...published,
        upvoteCount: 0,
        upvotedByMe: false,
        tags: [],
        pinned: false,
        pinnedAt: null,
        rejectedAt,
      },
      second,
    ]);
  });
});

describe('applyToOwnPages', () => {
  const first = makeOwnQuestion();
  const older = makeOwnQuestion({ upvoteCount: 1 });
  const own = deepFreeze({
    pages: [
      { items: [first], nextCursor: 'cursor-1', sequence: 0 },
      { items: [older], nextCursor: null, sequence: 0 },
    ],
    pageParams: [null, 'cursor-1'],
  });

  it('changes the page that holds the question, keeping the others and the very same object otherwise', () => {
    const result = applyToOwnPages(own, upvoted(older.id, 4));
    expect(result.pages[0]).toBe(own.pages[0]);
    expect(result.pages[1]?.items).toEqual([{ ...older, upvoteCount: 4 }]);
    expect(applyToOwnPages(own, upvoted(makeQuestion().id, 4))).toBe(own);
  });
});

describe('visibleQuestions', () => {
  const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
  const at = (minute: number) => `2025-03-10T11:${minute.toString().padStart(2, '0')}:00.000Z`;

  // Ties on votes and on time, decided as the server decides them:
  // top = upvoteCount desc, submittedAt desc, id desc; newest = submittedAt desc, id desc.
  const a = makeQuestion({ id: id(1), upvoteCount: 5, submittedAt: at(10) });
  const b = makeQuestion({ id: id(2), upvoteCount: 5, submittedAt: at(20) });
  const c = makeQuestion({ id: id(3), upvoteCount: 5, submittedAt: at(20) });
  const d = makeQuestion({ id: id(4), upvoteCount: 9, submittedAt: at(1) });
  const e = makeQuestion({ id: id(5), upvoteCount: 0, submittedAt: at(30) });
  const f = makeQuestion({ id: id(6), upvoteCount: 0, submittedAt: at(5) });

  const names = new Map([a, b, c, d, e, f].map((q, index) => [q.id, 'abcdef'[index]]));
  const order = (questions: Question[]) => questions.map((q) => names.get(q.id)).join('');

  it('is empty without data', () => {
    expect(visibleQuestions(undefined)).toEqual([]);
    expect(visibleQuestions(makePages())).toEqual([]);
    expect(visibleQuestions(makePages([], []))).toEqual([]);
  });

  it("orders 'top' by votes, then newest, then id, across pages", () => {
    const list = makePages([e, a, f], [c, d, b]);
    expect(order(visibleQuestions(list, 'top'))).toBe('dcbaef');
  });

  it("orders 'newest' by time, then id, ignoring votes", () => {
    const list = makePages([e, a, f], [c, d, b]);
    expect(order(visibleQuestions(list, 'newest'))).toBe('ecbafd');
  });

  it("defaults to 'top'", () => {
    expect(order(visibleQuestions(makePages([f, e, d, c, b, a])))).toBe('dcbaef');
  });

  it('shows a question held on two pages once', () => {
    const list = makePages([d, a, b], [b, c], [c, e]);
    const shown = visibleQuestions(list, 'top');
    expect(order(shown)).toBe('dcbae');
    expect(shown).toHaveLength(5);
    expect(shown.find((q) => q.id === b.id)).toEqual(b);
  });

  it('does not change the cached list', () => {
    const list = makePages([e, a], [d]);
    visibleQuestions(list, 'top');
    expect(idsOf(list)).toEqual([[e.id, a.id], [d.id]]);
  });

  it('moves a question as its votes change live', () => {
    const list = makePages([d, c, b, a, e, f]);
    expect(order(visibleQuestions(updated(applyToList(list, OPEN, upvoted(f.id, 6))), 'top'))).toBe('dfcbae');
    expect(order(visibleQuestions(updated(applyToList(list, OPEN, upvoted(d.id, 5))), 'top'))).toBe('cbadef');
    expect(order(visibleQuestions(updated(applyToList(list, OPEN, upvoted(d.id, 5))), 'newest'))).toBe(
      'ecbafd',
    );
  });

  it('places a question created live where the server would', () => {
    const fresh = makeQuestion({ id: id(7), upvoteCount: 0, submittedAt: at(40) });
    const list = updated(applyToList(makePages([d, c, b], [a, e, f]), OPEN, created(fresh)));
    const shown = visibleQuestions(list, 'top').map((q) => q.id);
    expect(shown).toEqual([d.id, c.id, b.id, a.id, fresh.id, e.id, f.id]);
    expect(visibleQuestions(list, 'newest')[0]?.id).toBe(fresh.id);
  });
});

describe('compareQuestions', () => {
  const base = makeQuestion({
    id: '00000000-0000-4000-8000-000000000001',
    upvoteCount: 1,
    submittedAt: '2025-03-10T11:00:00.000Z',
  });

  it('puts more votes first for top, and ignores votes for newest', () => {
    const more = {
      ...base,
      id: '00000000-0000-4000-8000-000000000000',
      upvoteCount: 2,
      submittedAt: '2025-03-10T10:00:00.000Z',
    };
    expect(compareQuestions(more, base, 'top')).toBeLessThan(0);
    expect(compareQuestions(base, more, 'top')).toBeGreaterThan(0);
    expect(compareQuestions(more, base, 'newest')).toBeGreaterThan(0);
    expect(compareQuestions(more, base)).toBeLessThan(0);
  });

  it('puts the newer question first on equal votes, then the greater id', () => {
    const newer = {
      ...base,
      id: '00000000-0000-4000-8000-000000000000',
      submittedAt: '2025-03-10T11:00:00.001Z',
    };
    const greaterId = { ...base, id: 'ffffffff-0000-4000-8000-000000000000' };
    for (const sort of ['top', 'newest'] as const) {
      expect(compareQuestions(newer, base, sort)).toBeLessThan(0);
      expect(compareQuestions(base, newer, sort)).toBeGreaterThan(0);
      expect(compareQuestions(greaterId, base, sort)).toBeLessThan(0);
      expect(compareQuestions(base, greaterId, sort)).toBeGreaterThan(0);
    }
  });
});
