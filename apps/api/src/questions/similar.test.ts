import type { Question } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, errorCodeOf, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { addMeeting, BETA_MEETING } from '../test-support/fixture.js';

/** Text that only any one query language could take for syntax. */
const ODD_INPUTS = [
  '"',
  '*',
  'NEAR',
  '-',
  ')',
  '(',
  'NEAR(zeppelin hangar, 2)',
  '"zeppelin',
  'zeppelin*',
  '-zeppelin',
  '(zeppelin) OR',
  'zeppelin AND NOT hangar',
  "zeppelin's hangar: !&|<->",
  'zeppelin:* | hangar & !x',
  "'; drop table questions; --",
  '\\ \\\\ % _ ^ $ {} [] ~',
  '\u0301\u0301 zeppelin \u0301',
  'ZEPPELIN 🚀 ǀǀ x² ٣٤',
  ' ',
  '',
  `${'zeppelin '.repeat(200)}`.slice(0, 2000),
];

describe.each(DIALECTS)('similar questions on %s', (dialect) => {
  let app: TestApp;
  let owner: Client;
  let member: Client;
  let member2: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [owner, member, member2] = await app.clients('owner', 'member', 'member2');
  });
  afterAll(() => app.close());

  async function newMeeting(requireApproval: boolean | null = null) {
    return { tenant: 'alpha', meetingId: await addMeeting(app.db, app.tenantIds.alpha, { requireApproval }) };
  }

  const bodies = (questions: Question[]) => questions.map((question) => question.body);

  it('finds rephrasings of a question, the closest first, and nothing unrelated', async () => {
    const meeting = await newMeeting();
    const ask = (body: string) => member.question.submit.mutate({ ...meeting, body });
    await ask('When will the new office in Berlin open?');
    await ask('Can we get more vegetarian options in the canteen?');
    await ask('What is the plan for remote work next year?');
    await ask('Will the Berlin office have parking for bikes?');
    await ask('Is the quarterly bonus paid in December?');

    const berlin = await member2.question.similar.query({
      ...meeting,
      body: 'opening date of the Berlin offices',
    });
    expect(bodies(berlin)[0]).toBe('When will the new office in Berlin open?');
    expect(bodies(berlin)).toContain('Will the Berlin office have parking for bikes?');
    expect(bodies(berlin)).not.toContain('Can we get more vegetarian options in the canteen?');

    const remote = await member2.question.similar.query({
      ...meeting,
      body: 'Are we working remotely in the future',
    });
    expect(bodies(remote)).toEqual(['What is the plan for remote work next year?']);

    const typing = await member2.question.similar.query({ ...meeting, body: 'vegetar' });
    expect(bodies(typing)).toEqual(['Can we get more vegetarian options in the canteen?']);
  });

  it('answers as the list does: counts, the caller’s own vote and their own questions', async () => {
    const meeting = await newMeeting();
    const question = await member.question.submit.mutate({
      ...meeting,
      body: 'Is the cafeteria open on weekends?',
    });
    await member2.question.upvote.mutate({ ...meeting, questionId: question.id });
    const [seenByVoter] = await member2.question.similar.query({ ...meeting, body: 'cafeteria weekends' });
    expect(seenByVoter).toMatchObject({ id: question.id, upvoteCount: 1, upvotedByMe: true, mine: false });
    const [seenByAuthor] = await member.question.similar.query({ ...meeting, body: 'cafeteria weekends' });
    expect(seenByAuthor).toMatchObject({ id: question.id, upvoteCount: 1, upvotedByMe: false, mine: true });
    const [listed] = (await member2.question.list.query({ ...meeting })).items;
    expect(seenByVoter).toEqual(listed);
  });

  it('returns at most five, and nothing for text without a word worth searching', async () => {
    const meeting = await newMeeting();
    for (let n = 1; n <= 7; n += 1) {
      await member.question.submit.mutate({ ...meeting, body: `Question ${n} about the parking garage` });
    }
    expect(await member2.question.similar.query({ ...meeting, body: 'parking' })).toHaveLength(5);
    for (const body of ['', 'a', 'the', 'what is the', '?!', 'is it'])
      expect(await member2.question.similar.query({ ...meeting, body }), body).toEqual([]);
  });

  it('never reveals a question the caller may not see, nor one of another meeting or tenant', async () => {
    const reviewed = await newMeeting(true);
    const meeting = await newMeeting();
    const other = await newMeeting();
    const ask = (where: typeof meeting, body: string) => member.question.submit.mutate({ ...where, body });
    const shown = await ask(meeting, 'Zeppelin hangar: shown to everyone');
    const hidden = await ask(meeting, 'Zeppelin hangar: hidden by a moderator');
    await owner.question.hide.mutate({ ...meeting, questionId: hidden.id });
    const rejected = await ask(meeting, 'Zeppelin hangar: rejected');
    await owner.question.reject.mutate({ ...meeting, questionId: rejected.id });
    const answered = await ask(meeting, 'Zeppelin hangar: answered already');
    await owner.question.answer.mutate({ ...meeting, questionId: answered.id, responseText: 'Yes' });
    const merged = await ask(meeting, 'Zeppelin hangar: merged into the shown one');
    await owner.question.merge.mutate({ ...meeting, questionId: merged.id, intoQuestionId: shown.id });
    await ask(other, 'Zeppelin hangar: another meeting');
    await member.question.submit.mutate({ ...reviewed, body: 'Zeppelin hangar: waiting for review' });
    const [betaOwner] = await app.clients('betaOwner');
    await betaOwner.question.submit.mutate({ ...BETA_MEETING, body: 'Zeppelin hangar: another tenant' });

    for (const caller of [member, member2, owner]) {
      const found = await caller.question.similar.query({ ...meeting, body: 'zeppelin hangar' });
      expect(bodies(found)).toEqual(['Zeppelin hangar: shown to everyone']);
      expect(await caller.question.similar.query({ ...reviewed, body: 'zeppelin hangar' })).toEqual([]);
    }
  });

  it('takes any text literally: quotes, operators and brackets never fail the query', async () => {
    const meeting = await newMeeting();
    const question = await member.question.submit.mutate({
      ...meeting,
      body: 'Where does the zeppelin hangar go?',
    });
    for (const body of ODD_INPUTS) {
      const found = await member2.question.similar.query({ ...meeting, body });
      if (/zeppelin/i.test(body))
        expect(
          found.map(({ id }) => id),
          body,
        ).toEqual([question.id]);
    }
  });

  it('is refused to someone who may not ask: a display link, and nobody at all', async () => {
    const meeting = await newMeeting();
    const { token } = await owner.tenant.createDisplayLink.mutate({ tenant: 'alpha' });
    const display = app.client({ bearer: token });
    expect(await errorCodeOf(display.question.similar.query({ ...meeting, body: 'zeppelin' }))).toBe(
      'FORBIDDEN',
    );
    expect(await errorCodeOf(app.client().question.similar.query({ ...meeting, body: 'zeppelin' }))).toBe(
      'UNAUTHORIZED',
    );
  });
});

describe('similar question look-ups', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('sqlite', { rateLimitPoints: { similarLookupsPerPerson: 3 } });
  });
  afterAll(() => app.close());

  it('are limited per person, as the operator set', async () => {
    const [member, member2] = await app.clients('member', 'member2');
    const lookUp = (caller: Client) =>
      caller.question.similar.query({ tenant: 'alpha', meetingId: app.meetingIds.alpha, body: 'parking' });
    for (let n = 0; n < 3; n += 1) await lookUp(member);
    expect(await errorCodeOf(lookUp(member))).toBe('TOO_MANY_REQUESTS');
    await expect(lookUp(member2)).resolves.toEqual([]);
  });
});
