import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import {
  insertQuestions,
  insertReportedMeeting,
  insertTag,
  insertTeam,
  insertVisitor,
} from '../test-support/meeting-reports.js';
import {
  bucketSizeFor,
  buildTimeline,
  countPerBucket,
  MAX_BUCKETS,
  median,
  medianSecondsToAnswer,
  meetingSpan,
} from './analytics.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 11, 3, 14, 0, 0);
/** 14:mm:ss on the day of the meeting, as stored. */
const at = (minute: number, second = 0) => new Date(START + minute * MINUTE + second * 1000).toISOString();

describe('median', () => {
  it('is the middle value, the mean of the two middle ones for an even count, and null for none', () => {
    expect(median([7])).toBe(7);
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(median([])).toBeNull();
  });

  it('does not reorder what it is given', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('medianSecondsToAnswer', () => {
  it('counts answered questions only, in whole seconds', () => {
    expect(
      medianSecondsToAnswer([
        { status: 'ANSWERED', submittedAt: at(0), answeredAt: at(1, 1) },
        { status: 'ANSWERED', submittedAt: at(0), answeredAt: at(2) },
        { status: 'OPEN', submittedAt: at(0), answeredAt: null },
        { status: 'OPEN', submittedAt: at(0), answeredAt: at(59) },
      ]),
    ).toBe(91);
    expect(medianSecondsToAnswer([{ status: 'OPEN', submittedAt: at(0), answeredAt: null }])).toBeNull();
  });
});

describe('bucketSizeFor', () => {
  it.each([
    ['a 30-minute meeting', 30 * MINUTE, MINUTE],
    ['a 2-hour meeting', 2 * HOUR, 5 * MINUTE],
    ['a 10-hour day', 10 * HOUR, 15 * MINUTE],
    ['two days', 2 * DAY, HOUR],
    ['ten days', 10 * DAY, 6 * HOUR],
    ['six weeks', 42 * DAY, DAY],
    ['a year', 365 * DAY, 7 * DAY],
    ['five years', 5 * 365 * DAY, 35 * DAY],
  ])('sizes buckets for %s', (_label, length, size) => {
    expect(bucketSizeFor({ start: START, end: START + length })).toBe(size);
  });

  it('never makes more than the maximum number of buckets, whatever the span and its alignment', () => {
    for (let length = 0; length < 20 * 365 * DAY; length = length * 1.37 + 7_919) {
      const span = { start: START + (length % 3_600_000), end: START + (length % 3_600_000) + length };
      expect(buildTimeline(span, [], []).length, `span of ${length} ms`).toBeLessThanOrEqual(MAX_BUCKETS);
    }
  });
});

describe('countPerBucket', () => {
  it('counts each time in its bucket, a bucket including its start, and drops times outside', () => {
    const times = [START - 1, START, START + MINUTE - 1, START + MINUTE, START + 3 * MINUTE];
    expect(countPerBucket(times, START, MINUTE, 3)).toEqual([2, 1, 0]);
  });
});

describe('buildTimeline', () => {
  it('starts at a round time and covers the whole span', () => {
    const span = { start: START + 7 * MINUTE + 13_000, end: START + 2 * HOUR + 59 * MINUTE };
    const timeline = buildTimeline(span, [span.start, span.end], [span.end]);
    expect(timeline[0]).toEqual({ at: at(5), questions: 1, upvotes: 0 });
    expect(timeline.at(-1)).toEqual({ at: at(175), questions: 1, upvotes: 1 });
    expect(timeline).toHaveLength(35);
  });
});

describe('meetingSpan', () => {
  const closed = { state: 'closed' as const, openedAt: at(0), closedAt: at(50) };
  it('runs from the opening to the closing', () => {
    expect(meetingSpan(closed, [START + MINUTE], 0)).toEqual({ start: START, end: START + 50 * MINUTE });
  });

  it('reaches back to activity before the opening, and on to activity after the closing', () => {
    expect(meetingSpan(closed, [START - HOUR, START + 2 * HOUR], 0)).toEqual({
      start: START - HOUR,
      end: START + 2 * HOUR,
    });
  });

  it('runs until now while the meeting is open', () => {
    const open = { state: 'open' as const, openedAt: at(0), closedAt: null };
    expect(meetingSpan(open, [], START + 9 * MINUTE)).toEqual({ start: START, end: START + 9 * MINUTE });
  });

  it('is null for a meeting that never opened and saw nothing', () => {
    expect(meetingSpan({ state: 'scheduled', openedAt: null, closedAt: null }, [], START)).toBeNull();
  });
});

describe.each(DIALECTS)('meeting.analytics on %s', { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let meetingId: string;
  let tags: { roadmap: string; hiring: string };
  let teams: { platform: string; sales: string };

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const tenantId = app.tenantIds.alpha;
    const { owner, moderator, member } = app.userIds;
    const [asker, otherAsker, rejectedAsker, onlyWatched] = [
      crypto.randomUUID(),
      crypto.randomUUID(),
      crypto.randomUUID(),
      crypto.randomUUID(),
    ];
    meetingId = await insertReportedMeeting(
      app.db,
      tenantId,
      { title: 'November all-hands', state: 'closed' },
      { openedAt: at(0), closedAt: at(50) },
    );
    tags = {
      roadmap: await insertTag(app.db, tenantId, 'roadmap', '#1f6feb'),
      hiring: await insertTag(app.db, tenantId, 'hiring', '#aa00aa'),
    };
    teams = {
      platform: await insertTeam(app.db, tenantId, 'Platform'),
      sales: await insertTeam(app.db, tenantId, 'Sales'),
    };
    for (const visitor of [owner, onlyWatched, asker]) await insertVisitor(app.db, meetingId, visitor, at(0));
    await insertQuestions(app.db, tenantId, meetingId, [
      {
        body: 'Roadmap and hiring?',
        authorId: asker,
        status: 'OPEN',
        submittedAt: at(1, 30),
        teamId: teams.platform,
        tagIds: [tags.roadmap, tags.hiring],
        votes: [
          [owner, at(2, 10)],
          [moderator, at(2, 50)],
          [member, at(10)],
        ],
      },
      {
        body: 'Roadmap again',
        authorId: asker,
        status: 'ANSWERED',
        submittedAt: at(3),
        answeredAt: at(13),
        responseText: 'Soon.',
        teamId: teams.platform,
        tagIds: [tags.roadmap],
        votes: [[member, at(4)]],
      },
      {
        body: 'Answered live',
        authorId: otherAsker,
        status: 'ANSWERED',
        submittedAt: at(5),
        answeredAt: at(6),
      },
      {
        body: 'Hidden, answered late',
        authorId: otherAsker,
        status: 'ANSWERED',
        submittedAt: at(20),
        answeredAt: at(50),
        responseText: 'Late.',
        teamId: teams.sales,
        hiddenAt: at(49),
      },
      {
        body: 'Rejected',
        authorId: rejectedAsker,
        status: 'UNDER_REVIEW',
        submittedAt: at(7),
        rejectedAt: at(8),
        teamId: teams.sales,
      },
    ]);
    const otherMeeting = await insertReportedMeeting(app.db, tenantId, { title: 'Elsewhere' });
    await insertQuestions(app.db, tenantId, otherMeeting, [
      { body: 'Elsewhere', authorId: member, status: 'OPEN', submittedAt: at(2), tagIds: [tags.hiring] },
    ]);
  }, 60_000);
  afterAll(() => app?.close());

  it('gives the figures of a known meeting', async () => {
    const moderator = await app.as('moderator');
    const figures = await moderator.meeting.analytics.query({ tenant: 'alpha', meetingId });
    expect({ ...figures, timeline: undefined }).toEqual({
      // owner, the watcher, both askers, the author of the rejected question, moderator and member
      participants: 7,
      askers: 2,
      voters: 3,
      questions: 4,
      upvotes: 4,
      answered: 3,
      // waits of 600, 60 and 1800 seconds
      medianSecondsToAnswer: 600,
      timeline: undefined,
      topTags: [
        { tag: { id: tags.roadmap, name: 'roadmap', color: '#1f6feb' }, questions: 2 },
        { tag: { id: tags.hiring, name: 'hiring', color: '#aa00aa' }, questions: 1 },
      ],
      byTeam: [
        { teamId: teams.platform, name: 'Platform', questions: 2, upvotes: 4 },
        { teamId: teams.sales, name: 'Sales', questions: 1, upvotes: 0 },
        { teamId: null, name: null, questions: 1, upvotes: 0 },
      ],
    });
  });

  it('counts questions and upvotes per minute from the opening to the closing', async () => {
    const owner = await app.as('owner');
    const { timeline } = await owner.meeting.analytics.query({ tenant: 'alpha', meetingId });
    expect(timeline).toHaveLength(51);
    expect(timeline[0]?.at).toBe(at(0));
    expect(timeline.at(-1)?.at).toBe(at(50));
    const busy = timeline.flatMap((bucket, minute) =>
      bucket.questions || bucket.upvotes ? [[minute, bucket.questions, bucket.upvotes]] : [],
    );
    expect(busy).toEqual([
      [1, 1, 0],
      [2, 0, 2],
      [3, 1, 0],
      [4, 0, 1],
      [5, 1, 0],
      [10, 0, 1],
      [20, 1, 0],
    ]);
  });

  it('gives a meeting that never opened nothing but zeros', async () => {
    const scheduled = await insertReportedMeeting(app.db, app.tenantIds.alpha, {
      title: 'Q1 kickoff',
      state: 'scheduled',
    });
    const owner = await app.as('owner');
    expect(await owner.meeting.analytics.query({ tenant: 'alpha', meetingId: scheduled })).toEqual({
      participants: 0,
      askers: 0,
      voters: 0,
      questions: 0,
      upvotes: 0,
      answered: 0,
      medianSecondsToAnswer: null,
      timeline: [],
      topTags: [],
      byTeam: [],
    });
  });

  it('refuses members, and a meeting that does not exist, changing nothing', async () => {
    const member = await app.as('member');
    await app.expectNoChange(
      () => member.meeting.analytics.query({ tenant: 'alpha', meetingId }),
      'FORBIDDEN',
    );
    const owner = await app.as('owner');
    await app.expectNoChange(
      () => owner.meeting.analytics.query({ tenant: 'alpha', meetingId: crypto.randomUUID() }),
      'NOT_FOUND',
    );
  });
});
