import {
  type EventType,
  type LatestEvent,
  type Question,
  schemaOf,
  toVersion,
  versionsOf,
} from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDisplayFrameOrigins } from '../tenants/safety.js';
import {
  type Client,
  failureOf,
  NEW_ACCOUNT_PASSWORD,
  startTestApp,
  type TestApp,
  uniqueEmail,
  uniqueLabel,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { addMeeting } from '../test-support/fixture.js';
import { openStream, type Transport } from '../test-support/meeting-streams.js';
import { eventsOf, lastSeqOf, type StoredEvent } from '../test-support/outbox.js';
import { waitFor } from '../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;
const INVISIBLE = ['\u200b\u200d', ' \u2060\ufeff ', '\ufe0f', '\u0301', '\u3164', '\u202e\u2066'];

/** The events of one question, by the field its payloads name it with. */
const eventsAbout = (events: StoredEvent[], questionId: string) =>
  events.filter((event) => {
    const data = event.data as { id?: string; questionId?: string };
    return data.id === questionId || data.questionId === questionId;
  });

/** What an author is told about a question they sent, without what differs from question to question. */
const answerShape = ({ id: _id, body: _body, submittedAt: _at, meetingId: _m, ...rest }: Question) => rest;

describe.each(DIALECTS)('content safety on %s', (dialect) => {
  let app: TestApp;
  let member: Client;
  let member2: Client;
  let moderator: Client;
  let admin: Client;
  let owner: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [member, member2, moderator, admin, owner] = await app.clients(
      'member',
      'member2',
      'moderator',
      'admin',
      'owner',
    );
  });
  afterAll(() => app.close());

  /** A meeting of the test's own, so that its submits and their limits concern it alone. */
  async function meeting(requireApproval: boolean | null = null) {
    return { ...alpha, meetingId: await addMeeting(app.db, app.tenantIds.alpha, { requireApproval }) };
  }

  async function setRestrictedWords(restrictedWords: string[]) {
    await admin.tenant.updateSafetySettings.mutate({ ...alpha, restrictedWords });
  }

  describe('text normalization', () => {
    it('refuses a question or an edit of only invisible characters with 400 naming body, changing nothing', async () => {
      const where = await meeting();
      for (const body of INVISIBLE) {
        const answer = await app.raw(
          'POST',
          'question.submit',
          { ...where, body },
          { cookie: await app.cookieOf('member') },
        );
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect((answer.body as { error: { message: string } }).error.message).toMatch(
          /^body: (must contain visible text|must not be empty)$/,
        );
      }
      await app.expectNoChange(
        () => member.question.submit.mutate({ ...where, body: '\u200b\u200b\u200b' }),
        'BAD_REQUEST',
      );
      const question = await member.question.submit.mutate({ ...where, body: 'A visible question' });
      const failure = await failureOf(
        member.question.edit.mutate({ ...where, questionId: question.id, body: '\u2800\u200c' }),
      );
      expect(failure).toEqual({ code: 'BAD_REQUEST', message: 'body: must contain visible text' });
    });

    it('strips bidi controls and composes characters in questions, answers, names, tags and meeting titles', async () => {
      const where = await meeting();
      const question = await member.question.submit.mutate({
        ...where,
        body: 'Is the \u202eCafe\u0301\u202c open \u2066late\u2069?\u200e',
      });
      expect(question.body).toBe('Is the Café open late?');
      const answered = await moderator.question.answer.mutate({
        ...where,
        questionId: question.id,
        responseText: '\u202bUntil\u202c nine\u200f',
      });
      expect(answered.responseText).toBe('Until nine');

      const tag = await moderator.tag.create.mutate({
        ...alpha,
        name: `\u202e${uniqueLabel('tag')}`,
        color: '#123456',
      });
      expect(tag.name).not.toMatch(/\p{Bidi_Control}/u);
      const team = await moderator.team.create.mutate({
        ...alpha,
        name: `\u2067${uniqueLabel('team')}\u2069`,
      });
      expect(team.name).toMatch(/^team-/);
      const created = await moderator.meeting.create.mutate({
        ...alpha,
        title: '\u202dCafe\u0301 talk\u202c',
      });
      expect(created.title).toBe('Café talk');

      const renamed = await admin.tenant.updateSettings.mutate({ ...alpha, name: '\u202eAlpha Corp\u202c' });
      expect(renamed.name).toBe('Alpha Corp');
      const signedUp = await app.raw('POST', 'auth.signUp', {
        email: uniqueEmail('mallory'),
        password: NEW_ACCOUNT_PASSWORD,
        name: '\u202eMallory\u202c',
      });
      expect((signedUp.body as { result: { data: { name: string } } }).result.data.name).toBe('Mallory');
    });
  });

  describe('content filter', () => {
    it('sends a profane question to review and answers its author exactly as when approval is required', async () => {
      const open = await meeting(false);
      const reviewed = await meeting(true);
      const profane = await member.question.submit.mutate({ ...open, body: 'Is this shit ready yet?' });
      const awaitingApproval = await member.question.submit.mutate({ ...reviewed, body: 'Is it ready yet?' });
      expect(profane.status).toBe('UNDER_REVIEW');
      expect(answerShape(profane)).toEqual(answerShape(awaitingApproval));

      expect(await failureOf(member2.question.get.query({ ...open, questionId: profane.id }))).toMatchObject({
        code: 'NOT_FOUND',
      });
      const pending = await moderator.question.list.query({ ...open, status: 'UNDER_REVIEW' });
      expect(pending.items.map((item) => item.id)).toEqual([profane.id]);
      const events = eventsAbout(await eventsOf(app, app.tenantIds.alpha), profane.id);
      expect(events.map((event) => [event.type, event.audience])).toEqual([
        ['question:pending', 'moderators'],
      ]);

      const approved = await moderator.question.approve.mutate({ ...open, questionId: profane.id });
      expect(approved.status).toBe('OPEN');
    });

    it("sends a question with one of the tenant's words or phrases to review: whole words, any case or spacing", async () => {
      const where = await meeting(false);
      await setRestrictedWords(['Project Falcon', 'moonshot', 'café']);
      try {
        const ask = (body: string) => member.question.submit.mutate({ ...where, body });
        expect((await ask('When will project   FALCON ship?')).status).toBe('UNDER_REVIEW');
        expect((await ask('Is the MOONSHOT real?')).status).toBe('UNDER_REVIEW');
        expect((await ask('Is the Cafe\u0301 closing?')).status).toBe('UNDER_REVIEW');
        expect((await ask('Any moonshots or falcons planned?')).status).toBe('OPEN');
        const other = await meeting(false);
        expect((await member2.question.submit.mutate({ ...other, body: 'Project Falconry?' })).status).toBe(
          'OPEN',
        );
      } finally {
        await setRestrictedWords([]);
      }
    });

    it("sends an author's edit that introduces a match back to review, but never filters a moderator's", async () => {
      const where = await meeting(false);
      await setRestrictedWords(['moonshot']);
      try {
        const question = await member.question.submit.mutate({ ...where, body: 'What is next year about?' });
        expect(question.status).toBe('OPEN');
        const edited = await member.question.edit.mutate({
          ...where,
          questionId: question.id,
          body: 'What is the moonshot next year?',
        });
        expect(edited.status).toBe('UNDER_REVIEW');
        expect(
          await failureOf(member2.question.get.query({ ...where, questionId: question.id })),
        ).toMatchObject({ code: 'NOT_FOUND' });
        const types = eventsAbout(await eventsOf(app, app.tenantIds.alpha), question.id).map((e) => e.type);
        expect(types).toEqual(['question:created', 'question:removed', 'question:pending']);

        const other = await member2.question.submit.mutate({ ...where, body: 'Who leads the platform?' });
        const byModerator = await moderator.question.edit.mutate({
          ...where,
          questionId: other.id,
          body: 'Who leads the moonshot?',
        });
        expect(byModerator.status).toBe('OPEN');
      } finally {
        await setRestrictedWords([]);
      }
    });
  });

  describe('duplicates', () => {
    it('refuses the same question from the same person in the same meeting, however cased or spaced', async () => {
      const where = await meeting();
      const first = await member.question.submit.mutate({ ...where, body: 'Will we ship on Friday?' });
      const again = () => member.question.submit.mutate({ ...where, body: '  will WE   ship\non friday? ' });
      await app.expectNoChange(again, 'CONFLICT');
      expect(await failureOf(again())).toEqual({
        code: 'CONFLICT',
        message: 'You already asked this question',
      });

      const underReview = await meeting(true);
      await member.question.submit.mutate({ ...underReview, body: 'Is the Cafe\u0301 open?' });
      expect(
        await failureOf(member.question.submit.mutate({ ...underReview, body: 'is the café open?' })),
      ).toMatchObject({ code: 'CONFLICT' });

      // Someone else, another meeting, or after taking it back: it is a new question.
      await member2.question.submit.mutate({ ...where, body: 'Will we ship on Friday?' });
      await member.question.submit.mutate({ ...(await meeting()), body: 'Will we ship on Friday?' });
      await member.question.withdraw.mutate({ ...where, questionId: first.id });
      await member.question.submit.mutate({ ...where, body: 'Will we ship on Friday?' });
    });
  });

  describe('safety settings', () => {
    it('are for admins and owners only', async () => {
      for (const client of [member, moderator]) {
        expect(await failureOf(client.tenant.safetySettings.query(alpha))).toMatchObject({
          code: 'FORBIDDEN',
        });
        await app.expectNoChange(
          () => client.tenant.updateSafetySettings.mutate({ ...alpha, restrictedWords: ['x'] }),
          'FORBIDDEN',
        );
      }
      expect(await owner.tenant.safetySettings.query(alpha)).toEqual(
        await admin.tenant.safetySettings.query(alpha),
      );
    });

    it('normalizes and deduplicates words and origins, keeps a list left out, and reach no member', async () => {
      const before = await lastSeqOf(app, app.tenantIds.alpha);
      const saved = await admin.tenant.updateSafetySettings.mutate({
        ...alpha,
        restrictedWords: [' Project\u202e  Falcon ', 'project falcon', 'Moonshot', 'moonshot'],
        displayFrameOrigins: [
          'https://Intranet.Alpha.test/',
          'https://intranet.alpha.test',
          'http://localhost:5173',
        ],
      });
      expect(saved).toEqual({
        restrictedWords: ['Project Falcon', 'Moonshot'],
        displayFrameOrigins: ['https://intranet.alpha.test', 'http://localhost:5173'],
      });
      expect(
        await admin.tenant.updateSafetySettings.mutate({ ...alpha, restrictedWords: ['zeppelin'] }),
      ).toEqual({
        ...saved,
        restrictedWords: ['zeppelin'],
      });
      expect(await findDisplayFrameOrigins(app.db, 'alpha')).toEqual(saved.displayFrameOrigins);
      expect(await findDisplayFrameOrigins(app.db, 'no-such-tenant')).toEqual([]);

      // Members learn nothing of the list: no event, nothing in the tenant they read.
      expect(await lastSeqOf(app, app.tenantIds.alpha)).toBe(before);
      expect(JSON.stringify(await member.tenant.get.query(alpha))).not.toMatch(/zeppelin|intranet/i);
      await admin.tenant.updateSafetySettings.mutate({
        ...alpha,
        restrictedWords: [],
        displayFrameOrigins: [],
      });
    });

    it('refuses bad entries with 400 naming the entry, changing nothing', async () => {
      const cases: [object, string][] = [
        [{ restrictedWords: ['fine', 'x'.repeat(61)] }, 'restrictedWords.1: must be at most 60 characters'],
        [{ restrictedWords: ['\u200b'] }, 'restrictedWords.0: must contain visible text'],
        [
          { restrictedWords: Array.from({ length: 501 }, (_, i) => `w${i}`) },
          'restrictedWords: must list at most 500 words',
        ],
        [
          { displayFrameOrigins: ['https://ok.alpha.test', 'http://intranet.alpha.test'] },
          'displayFrameOrigins.1: must be an origin like https://intranet.example.com',
        ],
        [
          { displayFrameOrigins: ['https://intranet.alpha.test/display'] },
          'displayFrameOrigins.0: must be an origin like https://intranet.example.com',
        ],
        [
          { displayFrameOrigins: ['https://*.alpha.test'] },
          'displayFrameOrigins.0: must be an origin like https://intranet.example.com',
        ],
        [
          { displayFrameOrigins: Array.from({ length: 21 }, (_, i) => `https://h${i}.alpha.test`) },
          'displayFrameOrigins: must list at most 20 origins',
        ],
      ];
      for (const [input, message] of cases) {
        const call = () => admin.tenant.updateSafetySettings.mutate({ ...alpha, ...input });
        await app.expectNoChange(call, 'BAD_REQUEST');
        expect(await failureOf(call())).toEqual({ code: 'BAD_REQUEST', message });
      }
    });
  });

  describe('redaction', () => {
    /** The stored events of the question, each valid in every published version of its type. */
    async function storedAbout(questionId: string) {
      const events = eventsAbout(await eventsOf(app, app.tenantIds.alpha), questionId);
      for (const event of events) expectEveryVersionValid(event);
      return events;
    }

    it('blanks the text of every stored event of a rejected question, in the same change, and nothing else', async () => {
      const where = await meeting(false);
      const question = await member.question.submit.mutate({ ...where, body: 'Something better unsaid' });
      await member.question.edit.mutate({
        ...where,
        questionId: question.id,
        body: 'Something worse unsaid',
      });
      await member2.question.submit.mutate({ ...where, body: 'Something fine' });
      const before = await eventsOf(app, app.tenantIds.alpha);
      const aboutQuestion = new Set(eventsAbout(before, question.id).map((event) => event.seq));

      await moderator.question.reject.mutate({ ...where, questionId: question.id });

      const after = await eventsOf(app, app.tenantIds.alpha);
      expect(after.slice(0, before.length)).toEqual(
        before.map((event) =>
          aboutQuestion.has(event.seq) ? { ...event, data: { ...(event.data as object), body: '' } } : event,
        ),
      );
      const events = await storedAbout(question.id);
      expect(events.map((event) => [event.type, (event.data as { body?: string }).body])).toEqual([
        ['question:created', ''],
        ['question:edited', ''],
        ['question:removed', undefined],
      ]);
      // The question itself is as the rejection left it: its author still finds their words.
      const mine = await member.question.mine.query(where);
      expect(mine.items.find((item) => item.id === question.id)).toMatchObject({
        body: 'Something worse unsaid',
        rejectedAt: expect.any(String),
      });
    });

    it('blanks the text of a withdrawn question (pending, then approved) and replays it blank on both transports', async () => {
      const where = await meeting(true);
      const question = await member.question.submit.mutate({ ...where, body: 'Please forget I asked' });
      await moderator.question.approve.mutate({ ...where, questionId: question.id });
      await member.question.withdraw.mutate({ ...where, questionId: question.id });

      const events = await storedAbout(question.id);
      expect(events.map((event) => [event.type, (event.data as { body?: string }).body])).toEqual([
        ['question:pending', ''],
        ['question:created', ''],
        ['question:removed', undefined],
      ]);
      const credentials = { cookie: await app.cookieOf('moderator') };
      for (const transport of ['plain', 'trpc'] as Transport[]) {
        const stream = await openStream(app.url, transport, credentials, { ...where, lastEventId: '0' });
        try {
          await waitFor(
            () => stream.events.some(({ event }) => event.type.startsWith('question:removed')),
            10_000,
            `the replay on ${transport}`,
          );
          const replayed = stream.events
            .map(({ event }) => event)
            .filter((event) => (event.data as { id?: string }).id === question.id);
          expect(replayed.map((event) => (event.data as { body: string }).body)).toEqual(['', '']);
          expect(stream.problems).toEqual([]);
        } finally {
          stream.close();
        }
      }
    });

    it('does not redact a hidden question, since restoring brings it back', async () => {
      const where = await meeting(false);
      const question = await member.question.submit.mutate({ ...where, body: 'Hide me for a while' });
      await moderator.question.hide.mutate({ ...where, questionId: question.id });
      const stored = await storedAbout(question.id);
      expect(stored.map((event) => [event.type, (event.data as { body?: string }).body])).toEqual([
        ['question:created', 'Hide me for a while'],
        ['question:hidden', undefined],
      ]);
    });
  });
});

/** The stored (newest) payload, and what each older version's subscribers get of it, fit their schemas. */
function expectEveryVersionValid(event: StoredEvent): void {
  const type = event.type as EventType;
  for (const version of versionsOf(type)) {
    const data = toVersion({ type, data: event.data } as LatestEvent, version);
    const valid = schemaOf(type, version)?.safeParse(data).success;
    expect(valid, `${type} v${version}: ${JSON.stringify(data)}`).toBe(true);
  }
}
