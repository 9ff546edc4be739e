import {
  type OwnQuestion,
  ownQuestion as ownQuestionSchema,
  type Question,
  question as questionSchema,
} from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type Client,
  errorCodeOf,
  failureFrom,
  failureOf,
  startTestApp,
  type TestApp,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ACCOUNTS, type AccountName, ALPHA_MEETING, BETA_MEETING } from '../test-support/fixture.js';
import { snapshotData } from '../test-support/snapshot.js';

const alpha = { tenant: 'alpha' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The id of a stream event: its sequence number. */
const EVENT_ID = expect.stringMatching(/^\d+$/);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
/** A question exactly as the contract describes it, with no extra field (such as an author). */
const strictQuestion = z.strictObject(questionSchema.shape);
const strictOwnQuestion = z.strictObject(ownQuestionSchema.shape);
const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Waits until the clock has passed `time`, so whatever is written next is stamped later. */
const clockPast = (time: string | null) =>
  vi.waitFor(() => expect(Date.now()).toBeGreaterThan(Date.parse(time ?? '')), {
    timeout: 1000,
    interval: 1,
  });

describe.each(DIALECTS)('questions on %s', (dialect) => {
  let app: TestApp;
  let member: Client;
  let member2: Client;
  let moderator: Client;
  let admin: Client;
  let owner: Client;
  let betaMember: Client;
  let betaOwner: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [member, member2, moderator, admin, owner, betaMember, betaOwner] = await app.clients(
      'member',
      'member2',
      'moderator',
      'admin',
      'owner',
      'betaMember',
      'betaOwner',
    );
  });
  afterAll(() => app.close());

  /** A fresh team, so that a test can list exactly its own questions. */
  async function freshTeam(): Promise<string> {
    const team = await moderator.team.create.mutate({
      ...alpha,
      name: `team-${crypto.randomUUID().slice(0, 8)}`,
    });
    return team.id;
  }

  async function freshTag(client: Client = moderator, tenant = 'alpha') {
    return client.tag.create.mutate({
      tenant,
      name: `tag-${crypto.randomUUID().slice(0, 8)}`,
      color: '#1F6FEB',
    });
  }

  async function submit(client: Client, body: string, teamId: string | null = null): Promise<Question> {
    return client.question.submit.mutate({ ...ALPHA_MEETING, body, teamId });
  }

  async function listIds(client: Client, filters: Record<string, unknown> = {}): Promise<string[]> {
    const page = await client.question.list.query({ ...ALPHA_MEETING, limit: 100, ...filters });
    return page.items.map((item) => item.id);
  }

  async function withSettings(
    settings: { requireApproval?: boolean; minQuestionLength?: number; maxQuestionLength?: number },
    body: () => Promise<void>,
  ): Promise<void> {
    await admin.tenant.updateSettings.mutate({ ...alpha, ...settings });
    try {
      await body();
    } finally {
      await admin.tenant.updateSettings.mutate({
        ...alpha,
        requireApproval: false,
        minQuestionLength: 1,
        maxQuestionLength: 2000,
      });
    }
  }

  /** Every question of the caller's own list, walking its pages of `limit`. */
  async function ownQuestions(client: Client, limit = 100): Promise<OwnQuestion[]> {
    const items: OwnQuestion[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.question.mine.query({ ...ALPHA_MEETING, limit, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  const ownIds = async (client: Client) => (await ownQuestions(client)).map((q) => q.id);

  async function upvoteRows(questionId: string): Promise<number> {
    const rows = await app.db
      .selectFrom('upvotes')
      .select('voterId')
      .where('questionId', '=', questionId)
      .execute();
    return rows.length;
  }

  describe('question.submit', () => {
    it('returns the created question with its id, the trimmed body, status OPEN and no upvotes', async () => {
      const before = Date.now();
      const created = await submit(member, '   What is our roadmap for Q3?  \n');
      expect(strictQuestion.parse(created)).toEqual(created);
      expect(created).toEqual({
        id: expect.stringMatching(UUID),
        meetingId: app.meetingIds.alpha,
        body: 'What is our roadmap for Q3?',
        teamId: null,
        status: 'OPEN',
        upvoteCount: 0,
        submittedAt: expect.stringMatching(ISO),
        responseText: null,
        answeredAt: null,
        pinned: false,
        pinnedAt: null,
        tags: [],
        upvotedByMe: false,
        mine: true,
        hidden: false,
        editedAt: null,
      });
      expect(Date.parse(created.submittedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(created.submittedAt)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await member2.question.get.query({ ...ALPHA_MEETING, questionId: created.id })).toEqual({
        ...created,
        mine: false,
      });
      const stored = await app.db
        .selectFrom('questions')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(stored).toMatchObject({
        tenantId: app.tenantIds.alpha,
        authorId: app.userIds.member,
        body: 'What is our roadmap for Q3?',
        status: 'OPEN',
      });
    });

    it('files the question under a team of the tenant', async () => {
      const teamId = await freshTeam();
      const created = await submit(member, 'Which team owns the build?', teamId);
      expect(created.teamId).toBe(teamId);
      expect(await listIds(member2, { teamId })).toEqual([created.id]);
    });

    it("refuses another tenant's team (or an unknown team) with BAD_REQUEST and stores nothing", async () => {
      const betaTeam = await betaOwner.team.create.mutate({ tenant: 'beta', name: 'Beta Engineering' });
      const before = await snapshotData(app.db);
      const crossTenant = await failureOf(submit(member, 'Is this filed under beta?', betaTeam.id));
      expect(crossTenant.code).toBe('BAD_REQUEST');
      expect(crossTenant.message).toMatch(/teamId/);
      expect(crossTenant.message).not.toMatch(/beta/i);
      const unknown = await failureOf(submit(member, 'Is this filed anywhere?', crypto.randomUUID()));
      expect(unknown).toEqual(crossTenant);
      expect(await snapshotData(app.db)).toEqual(before);
    });

    it('refuses an empty, blank or over-long body with BAD_REQUEST naming body', async () => {
      const before = await snapshotData(app.db);
      for (const body of ['', '   \n\t ', 'x'.repeat(2001)]) {
        const refused = await failureOf(submit(member, body));
        expect(refused.code).toBe('BAD_REQUEST');
        expect(refused.message).toMatch(/body/);
      }
      expect(await snapshotData(app.db)).toEqual(before);
    });

    it('accepts 2000 characters, counting characters rather than UTF-16 code units', async () => {
      const plain = await submit(member, 'a'.repeat(2000));
      expect(plain.body).toHaveLength(2000);
      // 2000 characters: 1000 emoji (two UTF-16 code units each) and 1000 letters.
      const body = `${'😀'.repeat(1000)}${'b'.repeat(1000)}`;
      expect([...body]).toHaveLength(2000);
      const emoji = await submit(member, body);
      expect(emoji.body).toBe(body);
    });

    it("enforces the tenant's minimum and maximum length after trimming, naming body", async () => {
      await withSettings({ minQuestionLength: 10, maxQuestionLength: 20 }, async () => {
        const before = await snapshotData(app.db);
        const tooShort = await failureOf(submit(member, '   short    '));
        expect(tooShort.code).toBe('BAD_REQUEST');
        expect(tooShort.message).toMatch(/body/);
        expect(tooShort.message).toMatch(/10/);
        const tooLong = await failureOf(submit(member, 'x'.repeat(21)));
        expect(tooLong.code).toBe('BAD_REQUEST');
        expect(tooLong.message).toMatch(/body/);
        expect(tooLong.message).toMatch(/20/);
        expect(await snapshotData(app.db)).toEqual(before);

        expect((await submit(member, `  ${'m'.repeat(10)}  `)).body).toBe('m'.repeat(10));
        expect((await submit(member, 'n'.repeat(20))).body).toBe('n'.repeat(20));
        // Characters, not code units: 20 emoji fit a maximum of 20.
        expect((await submit(member, '🎉'.repeat(20))).body).toBe('🎉'.repeat(20));
        expect((await failureOf(submit(member, '🎉'.repeat(21)))).code).toBe('BAD_REQUEST');
      });
    });

    it('refuses new questions while the meeting is paused, saying so, and stores nothing', async () => {
      await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
      try {
        const before = await snapshotData(app.db);
        const refused = await failureOf(submit(member, 'Can I still ask?'));
        expect(refused.code).toBe('PRECONDITION_FAILED');
        expect(refused.message).toMatch(/paused/i);
        // Moderators are refused too: the pause holds for everyone.
        expect((await failureOf(submit(moderator, 'Can a moderator still ask?'))).code).toBe(
          'PRECONDITION_FAILED',
        );
        expect(await snapshotData(app.db)).toEqual(before);
      } finally {
        await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
      }
      expect((await submit(member, 'Can I ask now?')).status).toBe('OPEN');
    });

    it('refuses callers who are not signed in or not members', async () => {
      const before = await snapshotData(app.db);
      expect(
        await errorCodeOf(app.client().question.submit.mutate({ ...ALPHA_MEETING, body: 'Anonymous?' })),
      ).toBe('UNAUTHORIZED');
      expect(
        await errorCodeOf(betaMember.question.submit.mutate({ ...ALPHA_MEETING, body: 'From beta?' })),
      ).toBe('FORBIDDEN');
      expect(await snapshotData(app.db)).toEqual(before);
    });
  });

  describe('question.list', () => {
    it('sorts by upvotes (newest first among equals) or by submission time', async () => {
      const teamId = await freshTeam();
      const q1 = await submit(member, 'First question', teamId);
      await clockPast(q1.submittedAt);
      const q2 = await submit(member, 'Second question', teamId);
      await clockPast(q2.submittedAt);
      const q3 = await submit(member, 'Third question', teamId);
      await clockPast(q3.submittedAt);
      const q4 = await submit(member, 'Fourth question', teamId);
      await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q1.id });
      await moderator.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q1.id });
      await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q3.id });

      const top = await member2.question.list.query({ ...ALPHA_MEETING, teamId, sort: 'top' });
      expect(top.items.map((q) => [q.id, q.upvoteCount])).toEqual([
        [q1.id, 2],
        [q3.id, 1],
        [q4.id, 0],
        [q2.id, 0],
      ]);
      expect(top.nextCursor).toBeNull();
      expect(top.items.map((q) => q.upvotedByMe)).toEqual([true, true, false, false]);
      // The default sort is top.
      expect(await listIds(member2, { teamId })).toEqual([q1.id, q3.id, q4.id, q2.id]);
      expect(await listIds(member2, { teamId, sort: 'newest' })).toEqual([q4.id, q3.id, q2.id, q1.id]);
    });

    it('by default lists open and answered questions; the status filter narrows to one', async () => {
      const teamId = await freshTeam();
      const open = await submit(member, 'Still open', teamId);
      const answered = await submit(member, 'Soon answered', teamId);
      await moderator.question.answer.mutate({
        ...ALPHA_MEETING,
        questionId: answered.id,
        responseText: 'Yes.',
      });

      expect((await listIds(member2, { teamId })).sort()).toEqual([open.id, answered.id].sort());
      expect(await listIds(member2, { teamId, status: 'OPEN' })).toEqual([open.id]);
      expect(await listIds(member2, { teamId, status: 'ANSWERED' })).toEqual([answered.id]);
      const [item] = (await member2.question.list.query({ ...ALPHA_MEETING, teamId, status: 'ANSWERED' }))
        .items;
      expect(item).toMatchObject({ status: 'ANSWERED', responseText: 'Yes.' });
    });

    it('filters by team', async () => {
      const teamA = await freshTeam();
      const teamB = await freshTeam();
      const inA = await submit(member, 'Question for team A', teamA);
      const inB = await submit(member, 'Question for team B', teamB);
      const untagged = await submit(member, 'Question for everyone');
      expect(await listIds(member2, { teamId: teamA })).toEqual([inA.id]);
      expect(await listIds(member2, { teamId: teamB })).toEqual([inB.id]);
      const all = await listIds(member2);
      expect(all).toEqual(expect.arrayContaining([inA.id, inB.id, untagged.id]));
    });

    it('filters by tag', async () => {
      const teamId = await freshTeam();
      const tag = await freshTag();
      const other = await freshTag();
      const tagged = await submit(member, 'Tagged question', teamId);
      const otherTagged = await submit(member, 'Question with another tag', teamId);
      await submit(member, 'Question without tags', teamId);
      await moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: tagged.id, tagId: tag.id });
      await moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: otherTagged.id, tagId: other.id });
      expect(await listIds(member2, { tagId: tag.id })).toEqual([tagged.id]);
      expect(await listIds(member2, { teamId, tagId: other.id })).toEqual([otherTagged.id]);
      const [item] = (await member2.question.list.query({ ...ALPHA_MEETING, tagId: tag.id })).items;
      expect(item?.tags).toEqual([tag]);
      // A tag of another tenant matches nothing here.
      const betaTag = await freshTag(betaOwner, 'beta');
      expect(await listIds(member2, { tagId: betaTag.id })).toEqual([]);
    });

    it('searches case-insensitively', async () => {
      const teamId = await freshTeam();
      const budget = await submit(member, 'What is the BUDGET for travel?', teamId);
      const budget2 = await submit(member, 'is the budget final', teamId);
      await submit(member, 'Unrelated question', teamId);
      expect((await listIds(member2, { teamId, search: 'budget' })).sort()).toEqual(
        [budget.id, budget2.id].sort(),
      );
      expect((await listIds(member2, { teamId, search: 'BuDgEt' })).sort()).toEqual(
        [budget.id, budget2.id].sort(),
      );
      expect(await listIds(member2, { teamId, search: '  travel?  ' })).toEqual([budget.id]);
      expect(await listIds(member2, { teamId, search: 'nothing like this' })).toEqual([]);
    });

    it('searches case-insensitively beyond ASCII', async () => {
      const teamId = await freshTeam();
      const uber = await submit(member, 'Über die Zukunft des Büros', teamId);
      await submit(member, 'Something else entirely', teamId);
      expect(await listIds(member2, { teamId, search: 'über' })).toEqual([uber.id]);
      expect(await listIds(member2, { teamId, search: 'BÜROS' })).toEqual([uber.id]);
    });

    it('treats %, _ and backslash in the search literally', async () => {
      const teamId = await freshTeam();
      const percent = await submit(member, 'Are we 100% remote?', teamId);
      const underscore = await submit(member, 'Why snake_case in the API?', teamId);
      const backslash = await submit(member, 'Why C:\\temp on Windows?', teamId);
      await submit(member, 'A plain question', teamId);
      expect(await listIds(member2, { teamId, search: '%' })).toEqual([percent.id]);
      expect(await listIds(member2, { teamId, search: '100%' })).toEqual([percent.id]);
      expect(await listIds(member2, { teamId, search: '_' })).toEqual([underscore.id]);
      expect(await listIds(member2, { teamId, search: 'e_c' })).toEqual([underscore.id]);
      expect(await listIds(member2, { teamId, search: '\\' })).toEqual([backslash.id]);
      expect(await listIds(member2, { teamId, search: 'a%n' })).toEqual([]);
    });

    describe('cursor pagination', () => {
      let teamId: string;
      let expectedTop: string[];
      let expectedNewest: string[];

      beforeAll(async () => {
        teamId = await freshTeam();
        // Rows with identical submission times and identical counts make the tie-breakers matter.
        const sameTime = new Date(Date.now() - 60_000).toISOString();
        const rows = Array.from({ length: 9 }, (_, i) => ({
          id: crypto.randomUUID(),
          submittedAt: i < 5 ? sameTime : new Date(Date.now() - 120_000 + i * 1000).toISOString(),
          votes: [2, 0, 1, 0, 2, 1, 0, 3, 1][i] ?? 0,
        }));
        for (const row of rows) {
          await app.db
            .insertInto('questions')
            .values({
              id: row.id,
              tenantId: app.tenantIds.alpha,
              meetingId: app.meetingIds.alpha,
              teamId,
              authorId: app.userIds.member,
              body: `Paged question ${row.id}`,
              status: 'OPEN',
              responseText: null,
              answeredAt: null,
              pinnedAt: null,
              submittedAt: row.submittedAt,
            })
            .execute();
          for (let v = 0; v < row.votes; v++) {
            await app.db
              .insertInto('upvotes')
              .values({ questionId: row.id, voterId: crypto.randomUUID(), createdAt: row.submittedAt })
              .execute();
          }
        }
        const byTimeThenId = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
          a.submittedAt === b.submittedAt ? (a.id < b.id ? 1 : -1) : a.submittedAt < b.submittedAt ? 1 : -1;
        expectedNewest = [...rows].sort(byTimeThenId).map((row) => row.id);
        expectedTop = [...rows]
          .sort((a, b) => (a.votes === b.votes ? byTimeThenId(a, b) : b.votes - a.votes))
          .map((row) => row.id);
      });

      async function walk(client: Client, sort: 'top' | 'newest', limit: number) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await client.question.list.query({ ...ALPHA_MEETING, teamId, sort, limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor ?? undefined;
          pages++;
          expect(pages).toBeLessThan(20);
        } while (cursor);
        return { seen, pages };
      }

      it('lists the whole team in the expected order in one page', async () => {
        expect(await listIds(member2, { teamId, sort: 'top' })).toEqual(expectedTop);
        expect(await listIds(member2, { teamId, sort: 'newest' })).toEqual(expectedNewest);
      });

      it.each([
        ['top', 2],
        ['top', 3],
        ['newest', 2],
        ['newest', 4],
      ] as const)('walks every item exactly once with sort %s and limit %d', async (sort, limit) => {
        const { seen, pages } = await walk(member2, sort, limit);
        expect(seen).toEqual(sort === 'top' ? expectedTop : expectedNewest);
        expect(new Set(seen).size).toBe(9);
        expect(pages).toBe(Math.ceil(9 / limit));
      });

      it('ends with a null cursor when the last page is exactly full', async () => {
        const page = await member2.question.list.query({ ...ALPHA_MEETING, teamId, limit: 9 });
        expect(page.items).toHaveLength(9);
        expect(page.nextCursor).toBeNull();
        const first = await member2.question.list.query({ ...ALPHA_MEETING, teamId, limit: 8 });
        expect(first.nextCursor).toEqual(expect.any(String));
      });

      it('refuses a garbage cursor or a cursor of the other sort with BAD_REQUEST', async () => {
        const first = await member2.question.list.query({
          ...ALPHA_MEETING,
          teamId,
          sort: 'newest',
          limit: 2,
        });
        expect(first.nextCursor).not.toBeNull();
        const garbage = [
          'garbage',
          '!!!',
          Buffer.from('{"not":"a cursor"}').toString('base64url'),
          Buffer.from('["top",-1,"2024-01-01T00:00:00.000Z","x"]').toString('base64url'),
          Buffer.from('["top",1.5,"2024-01-01T00:00:00.000Z","x"]').toString('base64url'),
          first.nextCursor as string,
        ];
        for (const cursor of garbage) {
          const refused = await failureOf(
            member2.question.list.query({ ...ALPHA_MEETING, teamId, sort: 'top', cursor }),
          );
          expect(refused.code, cursor).toBe('BAD_REQUEST');
          expect(refused.message).toMatch(/cursor/);
        }
        expect(
          await errorCodeOf(member2.question.list.query({ ...ALPHA_MEETING, cursor: 'c'.repeat(600) })),
        ).toBe('BAD_REQUEST');
      });
    });

    it('lets only moderators list questions under review', async () => {
      await withSettings({ requireApproval: true }, async () => {
        const pending = await submit(member, 'Listed for moderators only');
        const refused = await failureOf(
          member.question.list.query({ ...ALPHA_MEETING, status: 'UNDER_REVIEW' }),
        );
        expect(refused.code).toBe('FORBIDDEN');
        expect(
          (await failureOf(member2.question.list.query({ ...ALPHA_MEETING, status: 'UNDER_REVIEW' }))).code,
        ).toBe('FORBIDDEN');
        for (const client of [moderator, admin, owner]) {
          const page = await client.question.list.query({
            ...ALPHA_MEETING,
            status: 'UNDER_REVIEW',
            limit: 100,
          });
          expect(page.items.map((item) => item.id)).toContain(pending.id);
          expect(page.items.every((item) => item.status === 'UNDER_REVIEW')).toBe(true);
        }
        await moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: pending.id });
      });
    });

    it('never shows questions of another tenant', async () => {
      const betaQuestion = await betaMember.question.submit.mutate({
        ...BETA_MEETING,
        body: 'Beta only question',
      });
      const alphaItems = await listIds(member, { search: 'Beta only question' });
      expect(alphaItems).toEqual([]);
      expect(
        (await betaOwner.question.list.query({ ...BETA_MEETING, search: 'Beta only question' })).items.map(
          (q) => q.id,
        ),
      ).toEqual([betaQuestion.id]);
      expect(await errorCodeOf(betaMember.question.list.query(ALPHA_MEETING))).toBe('FORBIDDEN');
      expect(await errorCodeOf(app.client().question.list.query(ALPHA_MEETING))).toBe('UNAUTHORIZED');
    });
  });

  describe('question.get', () => {
    it('returns NOT_FOUND for an unknown id', async () => {
      expect(
        await errorCodeOf(member.question.get.query({ ...ALPHA_MEETING, questionId: crypto.randomUUID() })),
      ).toBe('NOT_FOUND');
    });

    it('answers a beta question asked through alpha exactly like a random id', async () => {
      const betaQuestion = await betaMember.question.submit.mutate({
        ...BETA_MEETING,
        body: 'Secret beta plans?',
      });
      const cookie = await app.cookieOf('member');
      const crossTenant = await app.raw(
        'GET',
        'question.get',
        { ...ALPHA_MEETING, questionId: betaQuestion.id },
        { cookie },
      );
      const random = await app.raw(
        'GET',
        'question.get',
        { ...ALPHA_MEETING, questionId: crypto.randomUUID() },
        { cookie },
      );
      expect(crossTenant.status).toBe(404);
      expect(crossTenant.status).toBe(random.status);
      expect(crossTenant.body).toEqual(random.body);
      expect(JSON.stringify(crossTenant.body)).not.toContain(betaQuestion.id);
      expect(JSON.stringify(crossTenant.body)).not.toMatch(/beta/i);
    });

    it('treats the mutations of a beta question through alpha as NOT_FOUND and changes nothing', async () => {
      const betaQuestion = await betaMember.question.submit.mutate({
        ...BETA_MEETING,
        body: 'Beta mutation target',
      });
      const questionId = betaQuestion.id;
      const before = await snapshotData(app.db);
      const calls: (() => Promise<unknown>)[] = [
        () => member.question.upvote.mutate({ ...ALPHA_MEETING, questionId }),
        () => member.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId }),
        () => moderator.question.answer.mutate({ ...ALPHA_MEETING, questionId, responseText: 'Leaked?' }),
        () => moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId, tagId: crypto.randomUUID() }),
        () => moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId, pinned: true }),
        () => moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId }),
        () => moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId }),
      ];
      for (const call of calls) expect(await errorCodeOf(call())).toBe('NOT_FOUND');
      expect(await snapshotData(app.db)).toEqual(before);
    });
  });

  describe('question.mine', () => {
    it("lists the caller's own questions and nobody else's", async () => {
      const mine = await submit(member, 'A question by member');
      const theirs = await submit(member2, 'A question by member2');
      const memberIds = await ownIds(member);
      const member2Ids = await ownIds(member2);
      expect(memberIds).toContain(mine.id);
      expect(memberIds).not.toContain(theirs.id);
      expect(member2Ids).toContain(theirs.id);
      expect(member2Ids).not.toContain(mine.id);
      const authored = await app.db
        .selectFrom('questions')
        .select('id')
        .where('authorId', '=', app.userIds.member2)
        .execute();
      expect(member2Ids.sort()).toEqual(authored.map((row) => row.id).sort());
      expect(await ownIds(moderator)).not.toContain(mine.id);
    });

    it('pages through every own question, newest first, far beyond 200', async () => {
      const teamId = await freshTeam();
      const asked: Question[] = [];
      for (let batch = 0; batch < 11; batch += 1) {
        const bodies = Array.from({ length: 20 }, (_, i) => `Admin question ${batch * 20 + i}`);
        asked.push(...(await Promise.all(bodies.map((body) => submit(admin, body, teamId)))));
      }
      const newestFirst = [...asked].sort(
        (a, b) => b.submittedAt.localeCompare(a.submittedAt) || b.id.localeCompare(a.id),
      );
      const own = await ownQuestions(admin, 30);
      expect(own.map((q) => q.id)).toEqual(newestFirst.map((q) => q.id));
      for (const q of own) expect(strictOwnQuestion.parse(q)).toEqual({ ...q, mine: true, rejectedAt: null });
      const firstPage = await admin.question.mine.query({ ...ALPHA_MEETING });
      expect(firstPage.items).toHaveLength(50);
      expect(firstPage.nextCursor).not.toBeNull();
    }, 60_000);

    it("refuses another list's cursor or a garbage one with BAD_REQUEST naming cursor", async () => {
      const [q] = await ownQuestions(member);
      for (const cursor of [
        'not a cursor at all',
        encodeCursor(['newest', q?.submittedAt, q?.id]),
        encodeCursor(['top', 0, q?.submittedAt, q?.id]),
      ]) {
        const refused = await failureOf(member.question.mine.query({ ...ALPHA_MEETING, cursor }));
        expect(refused.code).toBe('BAD_REQUEST');
        expect(refused.message).toMatch(/cursor/);
      }
    });

    it("marks the caller's own questions in every list, whatever their age, and nobody else's", async () => {
      const teamId = await freshTeam();
      const own = await submit(member, 'Mine, listed', teamId);
      const theirs = await submit(member2, 'Theirs, listed', teamId);
      const flags = async (client: Client) =>
        Object.fromEntries(
          (await client.question.list.query({ ...ALPHA_MEETING, teamId })).items.map((q) => [q.id, q.mine]),
        );
      expect(await flags(member)).toEqual({ [own.id]: true, [theirs.id]: false });
      expect(await flags(member2)).toEqual({ [own.id]: false, [theirs.id]: true });
      expect(await flags(moderator)).toEqual({ [own.id]: false, [theirs.id]: false });
      expect((await member.question.get.query({ ...ALPHA_MEETING, questionId: own.id })).mine).toBe(true);
      expect((await member2.question.get.query({ ...ALPHA_MEETING, questionId: own.id })).mine).toBe(false);
    });
  });

  describe('question.upvote and question.removeUpvote', () => {
    it('counts upvotes, marks upvotedByMe, and keeps the count equal to the upvote rows', async () => {
      const q = await submit(member, 'Shall we upvote this?');
      const first = await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      expect(first).toEqual({ questionId: q.id, upvoteCount: 1, upvotedByMe: true, eventId: EVENT_ID });
      const second = await moderator.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      expect(second).toEqual({ questionId: q.id, upvoteCount: 2, upvotedByMe: true, eventId: EVENT_ID });
      expect(await upvoteRows(q.id)).toBe(2);

      expect(await member2.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).toMatchObject({
        upvoteCount: 2,
        upvotedByMe: true,
      });
      expect(await admin.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).toMatchObject({
        upvoteCount: 2,
        upvotedByMe: false,
      });
      expect(await member.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).toMatchObject({
        upvotedByMe: false,
      });
    });

    it('refuses a second upvote by the same user with CONFLICT and changes nothing', async () => {
      const q = await submit(member, 'Upvote me twice?');
      await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      const before = await snapshotData(app.db);
      expect(await errorCodeOf(member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id }))).toBe(
        'CONFLICT',
      );
      expect(await snapshotData(app.db)).toEqual(before);
      expect((await member2.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).upvoteCount).toBe(1);
    });

    it('refuses an upvote of your own question with FORBIDDEN', async () => {
      const q = await submit(member, 'Can I upvote my own?');
      const before = await snapshotData(app.db);
      expect(await errorCodeOf(member.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id }))).toBe(
        'FORBIDDEN',
      );
      expect(await snapshotData(app.db)).toEqual(before);
      expect(await upvoteRows(q.id)).toBe(0);
    });

    it('refuses an upvote of an answered question with PRECONDITION_FAILED', async () => {
      const q = await submit(member, 'Answered before upvoted?');
      await moderator.question.answer.mutate({ ...ALPHA_MEETING, questionId: q.id, responseText: 'Done.' });
      const before = await snapshotData(app.db);
      expect(await errorCodeOf(member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id }))).toBe(
        'PRECONDITION_FAILED',
      );
      expect(await snapshotData(app.db)).toEqual(before);
    });

    it('refuses unknown questions with NOT_FOUND', async () => {
      expect(
        await errorCodeOf(
          member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: crypto.randomUUID() }),
        ),
      ).toBe('NOT_FOUND');
    });

    it('removes an upvote, and refuses removing an absent one with NOT_FOUND', async () => {
      const q = await submit(member, 'Upvote and take back?');
      await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      await moderator.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      const removed = await member2.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      expect(removed).toEqual({ questionId: q.id, upvoteCount: 1, upvotedByMe: false, eventId: EVENT_ID });
      expect(await upvoteRows(q.id)).toBe(1);
      expect(await member2.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).toMatchObject({
        upvoteCount: 1,
        upvotedByMe: false,
      });

      const before = await snapshotData(app.db);
      expect(
        await errorCodeOf(member2.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId: q.id })),
      ).toBe('NOT_FOUND');
      expect(
        await errorCodeOf(admin.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId: q.id })),
      ).toBe('NOT_FOUND');
      expect(await snapshotData(app.db)).toEqual(before);

      // Upvoting again after removing works.
      expect(await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id })).toEqual({
        questionId: q.id,
        upvoteCount: 2,
        upvotedByMe: true,
        eventId: EVENT_ID,
      });
      expect(await upvoteRows(q.id)).toBe(2);
    });

    it('reports in every list the same count as there are upvote rows', async () => {
      const teamId = await freshTeam();
      const q = await submit(member, 'Count me', teamId);
      const voters: AccountName[] = ['member2', 'moderator', 'admin', 'owner'];
      for (const voter of voters)
        await (await app.as(voter)).question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      await owner.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      const [listed] = (await member.question.list.query({ ...ALPHA_MEETING, teamId })).items;
      expect(listed?.upvoteCount).toBe(3);
      expect(await upvoteRows(q.id)).toBe(3);
      const mine = (await ownQuestions(member)).find((item) => item.id === q.id);
      expect(mine?.upvoteCount).toBe(3);
    });
  });

  describe('question.answer', () => {
    it('lets a moderator answer, and edit the answer keeping answeredAt', async () => {
      const q = await submit(member, 'When is the offsite?');
      await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      const before = Date.now();
      const answered = await moderator.question.answer.mutate({
        ...ALPHA_MEETING,
        questionId: q.id,
        responseText: '  In June.  ',
      });
      expect(answered).toMatchObject({
        id: q.id,
        status: 'ANSWERED',
        responseText: 'In June.',
        answeredAt: expect.stringMatching(ISO),
        upvoteCount: 1,
      });
      expect(Date.parse(answered.answeredAt as string)).toBeGreaterThanOrEqual(before - 1000);
      expect(await member2.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).toMatchObject({
        status: 'ANSWERED',
        responseText: 'In June.',
        answeredAt: answered.answeredAt,
        upvotedByMe: true,
      });

      await clockPast(answered.answeredAt);
      const edited = await admin.question.answer.mutate({
        ...ALPHA_MEETING,
        questionId: q.id,
        responseText: 'In July.',
      });
      expect(edited).toMatchObject({
        status: 'ANSWERED',
        responseText: 'In July.',
        answeredAt: answered.answeredAt,
      });
      expect(await member2.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).toMatchObject({
        responseText: 'In July.',
        answeredAt: answered.answeredAt,
      });
    });

    it('refuses members with FORBIDDEN and over-long or empty answers with BAD_REQUEST', async () => {
      const q = await submit(member, 'Who decides?');
      const before = await snapshotData(app.db);
      expect(
        await errorCodeOf(
          member2.question.answer.mutate({ ...ALPHA_MEETING, questionId: q.id, responseText: 'Me.' }),
        ),
      ).toBe('FORBIDDEN');
      expect(
        await errorCodeOf(
          member.question.answer.mutate({ ...ALPHA_MEETING, questionId: q.id, responseText: 'Me.' }),
        ),
      ).toBe('FORBIDDEN');
      const tooLong = await failureOf(
        moderator.question.answer.mutate({
          ...ALPHA_MEETING,
          questionId: q.id,
          responseText: 'x'.repeat(10_001),
        }),
      );
      expect(tooLong.code).toBe('BAD_REQUEST');
      expect(tooLong.message).toMatch(/responseText/);
      expect(
        await errorCodeOf(
          moderator.question.answer.mutate({ ...ALPHA_MEETING, questionId: q.id, responseText: '   ' }),
        ),
      ).toBe('BAD_REQUEST');
      expect(await snapshotData(app.db)).toEqual(before);
      const longest = await moderator.question.answer.mutate({
        ...ALPHA_MEETING,
        questionId: q.id,
        responseText: 'y'.repeat(10_000),
      });
      expect(longest.responseText).toHaveLength(10_000);
    });

    it('returns NOT_FOUND for an unknown question', async () => {
      expect(
        await errorCodeOf(
          moderator.question.answer.mutate({
            ...ALPHA_MEETING,
            questionId: crypto.randomUUID(),
            responseText: 'Yes',
          }),
        ),
      ).toBe('NOT_FOUND');
    });
  });

  describe('question.tag and question.untag', () => {
    it('lets a moderator tag and untag, refusing duplicates and absent tags', async () => {
      const q = await submit(member, 'Tag me please');
      const tagB = await moderator.tag.create.mutate({
        ...alpha,
        name: `b-${crypto.randomUUID()}`,
        color: '#00AA00',
      });
      const tagA = await moderator.tag.create.mutate({
        ...alpha,
        name: `a-${crypto.randomUUID()}`,
        color: '#aa0000',
      });
      const once = await moderator.question.tag.mutate({
        ...ALPHA_MEETING,
        questionId: q.id,
        tagId: tagB.id,
      });
      expect(once.tags).toEqual([{ id: tagB.id, name: tagB.name, color: '#00aa00' }]);
      const twice = await admin.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tagA.id });
      expect(twice.tags).toEqual([tagA, tagB]);
      expect((await member2.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).tags).toEqual([
        tagA,
        tagB,
      ]);

      const before = await snapshotData(app.db);
      expect(
        await errorCodeOf(
          moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tagB.id }),
        ),
      ).toBe('CONFLICT');
      expect(await snapshotData(app.db)).toEqual(before);

      const untagged = await moderator.question.untag.mutate({
        ...ALPHA_MEETING,
        questionId: q.id,
        tagId: tagB.id,
      });
      expect(untagged.tags).toEqual([tagA]);
      const afterUntag = await snapshotData(app.db);
      expect(
        await errorCodeOf(
          moderator.question.untag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tagB.id }),
        ),
      ).toBe('NOT_FOUND');
      expect(
        await errorCodeOf(
          moderator.question.untag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: crypto.randomUUID() }),
        ),
      ).toBe('NOT_FOUND');
      expect(await snapshotData(app.db)).toEqual(afterUntag);
      expect((await member2.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).tags).toEqual([tagA]);
    });

    it('refuses members with FORBIDDEN', async () => {
      const q = await submit(member, 'Members tagging?');
      const tag = await freshTag();
      const before = await snapshotData(app.db);
      expect(
        await errorCodeOf(member2.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id })),
      ).toBe('FORBIDDEN');
      expect(
        await errorCodeOf(
          member.question.untag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id }),
        ),
      ).toBe('FORBIDDEN');
      expect(await snapshotData(app.db)).toEqual(before);
    });

    it('treats a tag of another tenant as NOT_FOUND', async () => {
      const q = await submit(member, 'Cross-tenant tag?');
      const betaTag = await freshTag(betaOwner, 'beta');
      const before = await snapshotData(app.db);
      const refused = await failureOf(
        moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: betaTag.id }),
      );
      expect(refused.code).toBe('NOT_FOUND');
      expect(refused.message).not.toContain(betaTag.name);
      const unknown = await failureOf(
        moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: crypto.randomUUID() }),
      );
      expect(unknown).toEqual(refused);
      expect(
        await errorCodeOf(
          moderator.question.untag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: betaTag.id }),
        ),
      ).toBe('NOT_FOUND');
      expect(await snapshotData(app.db)).toEqual(before);
    });
  });

  describe('question.pin and queue.state', () => {
    it('pins and unpins, listing pinned questions most recent first', async () => {
      const a = await submit(member, 'Pin me first');
      const b = await submit(member, 'Pin me second');
      expect((await member.queue.state.query(ALPHA_MEETING)).pinnedQuestionIds).toEqual([]);

      const pinnedA = await moderator.question.pin.mutate({
        ...ALPHA_MEETING,
        questionId: a.id,
        pinned: true,
      });
      expect(pinnedA).toMatchObject({ id: a.id, pinned: true, pinnedAt: expect.stringMatching(ISO) });
      await clockPast(pinnedA.pinnedAt);
      const pinnedB = await moderator.question.pin.mutate({
        ...ALPHA_MEETING,
        questionId: b.id,
        pinned: true,
      });
      expect(await member.queue.state.query(ALPHA_MEETING)).toEqual({
        frozen: false,
        pinnedQuestionIds: [b.id, a.id],
        sequence: expect.any(Number),
      });
      expect(await member2.question.get.query({ ...ALPHA_MEETING, questionId: a.id })).toMatchObject({
        pinned: true,
        pinnedAt: pinnedA.pinnedAt,
      });

      // Pinning again moves a question to the front.
      await clockPast(pinnedB.pinnedAt);
      await moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: a.id, pinned: true });
      expect((await member.queue.state.query(ALPHA_MEETING)).pinnedQuestionIds).toEqual([a.id, b.id]);

      const unpinned = await moderator.question.pin.mutate({
        ...ALPHA_MEETING,
        questionId: a.id,
        pinned: false,
      });
      expect(unpinned).toMatchObject({ pinned: false, pinnedAt: null });
      expect((await member.queue.state.query(ALPHA_MEETING)).pinnedQuestionIds).toEqual([b.id]);
      await moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: b.id, pinned: false });
      expect((await member.queue.state.query(ALPHA_MEETING)).pinnedQuestionIds).toEqual([]);
      expect(await member2.question.get.query({ ...ALPHA_MEETING, questionId: b.id })).toMatchObject({
        pinned: false,
        pinnedAt: null,
      });
    });

    it('refuses members with FORBIDDEN', async () => {
      const q = await submit(member, 'Can members pin?');
      const before = await snapshotData(app.db);
      expect(
        await errorCodeOf(member2.question.pin.mutate({ ...ALPHA_MEETING, questionId: q.id, pinned: true })),
      ).toBe('FORBIDDEN');
      expect(await snapshotData(app.db)).toEqual(before);
    });
  });

  describe('approval', () => {
    it('holds new questions for review, visible to moderators and the author only, until approved', async () => {
      await withSettings({ requireApproval: true }, async () => {
        const teamId = await freshTeam();
        const pending = await submit(member, 'Is this appropriate?', teamId);
        expect(pending).toMatchObject({ status: 'UNDER_REVIEW', upvoteCount: 0 });

        // Other members: it does not exist, exactly like an id that was never used.
        const hidden = await failureOf(
          member2.question.get.query({ ...ALPHA_MEETING, questionId: pending.id }),
        );
        expect(hidden.code).toBe('NOT_FOUND');
        expect(hidden).toEqual(
          await failureOf(member2.question.get.query({ ...ALPHA_MEETING, questionId: crypto.randomUUID() })),
        );
        expect(await listIds(member2, { teamId })).toEqual([]);
        expect(await listIds(member2)).not.toContain(pending.id);
        expect(
          await errorCodeOf(member2.question.list.query({ ...ALPHA_MEETING, status: 'UNDER_REVIEW' })),
        ).toBe('FORBIDDEN');
        expect(
          await errorCodeOf(member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: pending.id })),
        ).toBe('NOT_FOUND');

        // Moderators see it when they ask for questions under review.
        expect(await listIds(moderator, { teamId })).toEqual([]);
        expect(await listIds(moderator, { teamId, status: 'UNDER_REVIEW' })).toEqual([pending.id]);
        expect(
          await moderator.question.get.query({ ...ALPHA_MEETING, questionId: pending.id }),
        ).toMatchObject({
          status: 'UNDER_REVIEW',
        });

        // The author sees it through mine and get.
        expect((await ownQuestions(member)).find((q) => q.id === pending.id)).toMatchObject({
          status: 'UNDER_REVIEW',
          rejectedAt: null,
        });
        expect(await member.question.get.query({ ...ALPHA_MEETING, questionId: pending.id })).toMatchObject({
          status: 'UNDER_REVIEW',
        });

        // Pending questions cannot be answered, pinned or upvoted, and members cannot approve.
        const before = await snapshotData(app.db);
        expect(
          await errorCodeOf(
            moderator.question.answer.mutate({
              ...ALPHA_MEETING,
              questionId: pending.id,
              responseText: 'No',
            }),
          ),
        ).toBe('PRECONDITION_FAILED');
        expect(
          await errorCodeOf(
            moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: pending.id, pinned: true }),
          ),
        ).toBe('PRECONDITION_FAILED');
        expect(
          await errorCodeOf(moderator.question.upvote.mutate({ ...ALPHA_MEETING, questionId: pending.id })),
        ).toBe('PRECONDITION_FAILED');
        expect(
          await errorCodeOf(member2.question.approve.mutate({ ...ALPHA_MEETING, questionId: pending.id })),
        ).toBe('FORBIDDEN');
        expect(
          await errorCodeOf(member.question.approve.mutate({ ...ALPHA_MEETING, questionId: pending.id })),
        ).toBe('FORBIDDEN');
        expect(await snapshotData(app.db)).toEqual(before);

        const approved = await moderator.question.approve.mutate({
          ...ALPHA_MEETING,
          questionId: pending.id,
        });
        expect(approved).toMatchObject({ id: pending.id, status: 'OPEN', submittedAt: pending.submittedAt });
        expect(await member2.question.get.query({ ...ALPHA_MEETING, questionId: pending.id })).toMatchObject({
          status: 'OPEN',
        });
        expect(await listIds(member2, { teamId })).toEqual([pending.id]);
        expect(await listIds(moderator, { teamId, status: 'UNDER_REVIEW' })).toEqual([]);

        const afterApproval = await snapshotData(app.db);
        expect(
          await errorCodeOf(moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId: pending.id })),
        ).toBe('PRECONDITION_FAILED');
        expect(await snapshotData(app.db)).toEqual(afterApproval);
      });
    });

    it('removes a rejected question for everyone but its author, who sees it marked rejected', async () => {
      await withSettings({ requireApproval: true }, async () => {
        const pending = await submit(member, 'Something to reject');
        expect(
          await errorCodeOf(member.question.reject.mutate({ ...ALPHA_MEETING, questionId: pending.id })),
        ).toBe('FORBIDDEN');
        expect(await moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: pending.id })).toEqual({
          questionId: pending.id,
        });
        expect(
          await errorCodeOf(moderator.question.get.query({ ...ALPHA_MEETING, questionId: pending.id })),
        ).toBe('NOT_FOUND');
        expect(
          await errorCodeOf(member.question.get.query({ ...ALPHA_MEETING, questionId: pending.id })),
        ).toBe('NOT_FOUND');
        const rejected = (await ownQuestions(member)).find((q) => q.id === pending.id);
        // The author learns that it was rejected and when, never by whom.
        expect(strictOwnQuestion.parse(rejected)).toEqual({
          ...pending,
          rejectedAt: expect.stringMatching(ISO),
          notifyWhenAnswered: false,
          mergedAt: null,
          mergedInto: null,
        });
        expect(await ownIds(member2)).not.toContain(pending.id);
        expect(await ownIds(moderator)).not.toContain(pending.id);
        expect(await listIds(moderator, { status: 'UNDER_REVIEW' })).not.toContain(pending.id);
        expect(await listIds(member)).not.toContain(pending.id);
        for (const change of [
          () => moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: pending.id }),
          () => moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId: pending.id }),
          () => member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: pending.id }),
        ]) {
          expect(await errorCodeOf(change())).toBe('NOT_FOUND');
        }
      });
    });

    it('does not hold questions once approval is turned off again', async () => {
      expect((await submit(member, 'Approval is off now')).status).toBe('OPEN');
    });

    it('removes a published question on reject, with its upvotes and tags', async () => {
      const q = await submit(member, 'Published then removed');
      const tag = await freshTag();
      await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      await moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id });
      await moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: q.id, pinned: true });
      expect(await moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: q.id })).toEqual({
        questionId: q.id,
      });
      expect(await errorCodeOf(member2.question.get.query({ ...ALPHA_MEETING, questionId: q.id }))).toBe(
        'NOT_FOUND',
      );
      expect(await listIds(member2)).not.toContain(q.id);
      expect(await listIds(member2, { tagId: tag.id })).toEqual([]);
      expect((await member2.queue.state.query(ALPHA_MEETING)).pinnedQuestionIds).not.toContain(q.id);
      expect((await moderator.queue.state.query(ALPHA_MEETING)).pinnedQuestionIds).not.toContain(q.id);
      expect(await upvoteRows(q.id)).toBe(0);
      expect(
        await app.db.selectFrom('questionTags').select('tagId').where('questionId', '=', q.id).execute(),
      ).toEqual([]);
      expect((await ownQuestions(member)).find((own) => own.id === q.id)).toMatchObject({
        status: 'OPEN',
        upvoteCount: 0,
        tags: [],
        pinned: false,
        rejectedAt: expect.stringMatching(ISO),
      });
    });
  });

  describe('changes racing a rejection', () => {
    /** "ok", or the code of the refusal: a server error would show up as INTERNAL_SERVER_ERROR. */
    async function outcomeOf(call: Promise<unknown>): Promise<string> {
      try {
        await call;
        return 'ok';
      } catch (error) {
        return failureFrom(error).code;
      }
    }

    /** The type of the last event recorded about each question, read in one pass over the outbox. */
    async function lastEventTypes(questions: Question[]): Promise<string[]> {
      const rows = await app.db
        .selectFrom('events')
        .select(['type', 'data'])
        .where('tenantId', '=', app.tenantIds.alpha)
        .orderBy('seq')
        .execute();
      return questions.map((q) => rows.filter((row) => row.data.includes(q.id)).at(-1)?.type ?? 'none');
    }

    /** Enough that PostgreSQL loses some race without the question's row lock; few enough for a busy machine. */
    const RACING_QUESTIONS = 12;
    /**
     * About a hundred transactions that the tenant lock runs one after another: a second alone, several
     * on two cores that are busy with something else.
     */
    const RACE_TIMEOUT_MS = 30_000;

    /** Races `changes` against a rejection of each question; every answer is a success or a refusal. */
    async function raceRejections(
      questions: Question[],
      changes: (questionId: string) => Promise<unknown>[],
    ): Promise<void> {
      const outcomes = await Promise.all(
        questions.flatMap((q) =>
          [moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: q.id }), ...changes(q.id)].map(
            outcomeOf,
          ),
        ),
      );
      const refusals = ['NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED'];
      expect(outcomes.filter((outcome) => outcome !== 'ok' && !refusals.includes(outcome))).toEqual([]);
      const ids = questions.map((q) => q.id);
      expect(
        await app.db.selectFrom('upvotes').select('voterId').where('questionId', 'in', ids).execute(),
      ).toEqual([]);
      // Nothing happens to a question after its removal, so no client brings it back.
      expect(await lastEventTypes(questions)).toEqual(questions.map(() => 'question:removed'));
    }

    it(
      'answers every upvote, tag, pin or answer with a success or a refusal, never an error',
      async () => {
        const tag = await freshTag();
        const questions = await Promise.all(
          Array.from({ length: RACING_QUESTIONS }, (_, i) => submit(member, `Racing question ${i}`)),
        );
        await Promise.all(
          questions.map((q) => admin.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id })),
        );
        await raceRejections(questions, (questionId) => [
          member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId }),
          owner.question.upvote.mutate({ ...ALPHA_MEETING, questionId }),
          admin.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId }),
          moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId, tagId: tag.id }),
          moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId, pinned: true }),
          moderator.question.answer.mutate({ ...ALPHA_MEETING, questionId, responseText: 'Racing answer' }),
        ]);
      },
      RACE_TIMEOUT_MS,
    );

    it(
      'answers an approval racing a rejection with a success or a refusal, never publishing it after',
      async () => {
        await withSettings({ requireApproval: true }, async () => {
          const questions = await Promise.all(
            Array.from({ length: RACING_QUESTIONS }, (_, i) => submit(member, `Racing review ${i}`)),
          );
          await raceRejections(questions, (questionId) => [
            moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId }),
            admin.question.approve.mutate({ ...ALPHA_MEETING, questionId }),
            member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId }),
          ]);
        });
      },
      RACE_TIMEOUT_MS,
    );
  });

  describe('queue.freeze and queue.state', () => {
    it('lets moderators freeze and unfreeze; upvotes still count while frozen', async () => {
      const q = await submit(member, 'Upvote me while frozen');
      const before = await snapshotData(app.db);
      expect(await errorCodeOf(member.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true }))).toBe(
        'FORBIDDEN',
      );
      expect(await snapshotData(app.db)).toEqual(before);
      expect((await member.queue.state.query(ALPHA_MEETING)).frozen).toBe(false);

      try {
        expect(await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true })).toEqual({
          frozen: true,
          pinnedQuestionIds: [],
          sequence: expect.any(Number),
        });
        expect(await member2.queue.state.query(ALPHA_MEETING)).toEqual({
          frozen: true,
          pinnedQuestionIds: [],
          sequence: expect.any(Number),
        });
        // Another tenant's queue is unaffected.
        expect((await betaMember.queue.state.query(BETA_MEETING)).frozen).toBe(false);
        expect(
          (await betaMember.question.submit.mutate({ ...BETA_MEETING, body: 'Beta still open' })).status,
        ).toBe('OPEN');

        expect(await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id })).toMatchObject({
          upvoteCount: 1,
        });
        expect(
          await member2.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        ).toMatchObject({
          upvoteCount: 0,
        });
        expect(await admin.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id })).toMatchObject({
          upvoteCount: 1,
        });
        // Moderation goes on as well.
        expect(
          (
            await moderator.question.answer.mutate({
              ...ALPHA_MEETING,
              questionId: q.id,
              responseText: 'Later.',
            })
          ).status,
        ).toBe('ANSWERED');
      } finally {
        expect(await admin.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false })).toEqual({
          frozen: false,
          pinnedQuestionIds: [],
          sequence: expect.any(Number),
        });
      }
      expect((await member.queue.state.query(ALPHA_MEETING)).frozen).toBe(false);
      expect((await submit(member, 'Open again?')).status).toBe('OPEN');
    });

    it('refuses callers outside the tenant', async () => {
      expect(await errorCodeOf(betaMember.queue.state.query(ALPHA_MEETING))).toBe('FORBIDDEN');
      expect(await errorCodeOf(betaOwner.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true }))).toBe(
        'FORBIDDEN',
      );
      expect(await errorCodeOf(app.client().queue.state.query(ALPHA_MEETING))).toBe('UNAUTHORIZED');
      expect((await member.queue.state.query(ALPHA_MEETING)).frozen).toBe(false);
    });
  });

  describe('tag.list and tag.create', () => {
    it('lets moderators create tags, listed by name for every member of the tenant only', async () => {
      const zulu = await moderator.tag.create.mutate({ ...alpha, name: '  zz-Zulu  ', color: '#ABCDEF' });
      expect(zulu).toEqual({ id: expect.stringMatching(UUID), name: 'zz-Zulu', color: '#abcdef' });
      const alphaTag = await admin.tag.create.mutate({ ...alpha, name: '00-Alpha', color: '#000000' });
      const tags = await member.tag.list.query(alpha);
      expect(tags).toEqual(expect.arrayContaining([zulu, alphaTag]));
      expect(tags.map((tag) => tag.name)).toEqual([...tags.map((tag) => tag.name)].sort());
      expect(tags[0]).toEqual(alphaTag);
      expect(await betaMember.tag.list.query({ tenant: 'beta' })).not.toContainEqual(zulu);
      expect(await errorCodeOf(betaMember.tag.list.query(alpha))).toBe('FORBIDDEN');
      // The same name is free in another tenant.
      expect(
        (await betaOwner.tag.create.mutate({ tenant: 'beta', name: 'zz-Zulu', color: '#abcdef' })).name,
      ).toBe('zz-Zulu');
    });

    it('refuses members, duplicates and bad colours, storing nothing', async () => {
      const existing = await freshTag();
      const before = await snapshotData(app.db);
      expect(
        await errorCodeOf(member.tag.create.mutate({ ...alpha, name: 'by-member', color: '#123456' })),
      ).toBe('FORBIDDEN');
      expect(
        await errorCodeOf(moderator.tag.create.mutate({ ...alpha, name: existing.name, color: '#654321' })),
      ).toBe('CONFLICT');
      for (const color of ['red', '#12345', '#1234567', '#gggggg', '123456', '']) {
        const refused = await failureOf(moderator.tag.create.mutate({ ...alpha, name: 'bad-colour', color }));
        expect(refused.code, color).toBe('BAD_REQUEST');
        expect(refused.message).toMatch(/color/);
      }
      expect(
        await errorCodeOf(moderator.tag.create.mutate({ ...alpha, name: '   ', color: '#123456' })),
      ).toBe('BAD_REQUEST');
      expect(await snapshotData(app.db)).toEqual(before);
    });
  });

  describe('anonymity', () => {
    it("never reveals the author's id or email in responses or stored events", async () => {
      const secrets = [
        app.userIds.member,
        ACCOUNTS.member.email,
        // The author's id must not leak in any form, e.g. without dashes or upper-cased.
        app.userIds.member.replaceAll('-', ''),
      ];
      const responses: unknown[] = [];
      const teamId = await freshTeam();
      const tag = await freshTag();
      const open = await submit(member, 'Who asked this?', teamId);
      responses.push(open);
      responses.push(await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: open.id }));
      responses.push(
        await moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: open.id, tagId: tag.id }),
      );
      responses.push(
        await moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: open.id, pinned: true }),
      );
      responses.push(
        await moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: open.id, pinned: false }),
      );
      await withSettings({ requireApproval: true }, async () => {
        const pending = await submit(member, 'Who asked this one, under review?', teamId);
        responses.push(pending);
        responses.push(await moderator.question.list.query({ ...ALPHA_MEETING, status: 'UNDER_REVIEW' }));
        responses.push(await moderator.question.get.query({ ...ALPHA_MEETING, questionId: pending.id }));
        responses.push(await moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId: pending.id }));
      });
      responses.push(
        await moderator.question.answer.mutate({
          ...ALPHA_MEETING,
          questionId: open.id,
          responseText: 'Someone.',
        }),
      );
      for (const client of [member, member2, moderator, owner]) {
        responses.push(await client.question.list.query({ ...ALPHA_MEETING }));
        responses.push(await client.question.list.query({ ...ALPHA_MEETING, teamId, sort: 'newest' }));
        responses.push(await client.question.get.query({ ...ALPHA_MEETING, questionId: open.id }));
        responses.push(await client.question.mine.query(ALPHA_MEETING));
        responses.push(await client.queue.state.query(ALPHA_MEETING));
      }
      const rawList = await app.raw('GET', 'question.list', ALPHA_MEETING, {
        cookie: await app.cookieOf('member2'),
      });
      expect(rawList.status).toBe(200);
      responses.push(rawList.body);

      const text = JSON.stringify(responses).toLowerCase();
      expect(text).toContain(open.id);
      for (const secret of secrets) expect(text).not.toContain(secret.toLowerCase());

      const events = await app.db.selectFrom('events').select(['type', 'data']).execute();
      expect(events.length).toBeGreaterThan(0);
      const eventText = JSON.stringify(events).toLowerCase();
      expect(eventText).toContain(open.id);
      for (const account of Object.keys(ACCOUNTS) as AccountName[]) {
        expect(eventText).not.toContain(app.userIds[account].toLowerCase());
        expect(eventText).not.toContain(ACCOUNTS[account].email.toLowerCase());
        expect(eventText).not.toContain(app.userIds[account].replaceAll('-', '').toLowerCase());
      }
    });
  });
});
