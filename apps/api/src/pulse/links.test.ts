import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../clock.js';
import { hashLinkToken, newLinkToken } from '../mail/link-tokens.js';
import { deleteMember } from '../tenants/repository.js';
import { failureOf, startTestApp, type TestApp, uniqueLabel } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { eventsOf, lastSeqOf } from '../test-support/outbox.js';
import { insertPulseQuestion, insertPulseSend } from '../test-support/pulse.js';
import { snapshotData } from '../test-support/snapshot.js';
import { linkUrl } from './links.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const alpha = { tenant: 'alpha' };

describe('one-tap link tokens', () => {
  it('are 32 random bytes in base64url, each new, kept only as their SHA-256', () => {
    const first = newLinkToken();
    const second = newLinkToken();
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first.token, 'base64url')).toHaveLength(32);
    expect(second.token).not.toBe(first.token);
    expect(first.tokenHash).toBe(hashLinkToken(first.token));
    expect(first.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('open the confirmation page with the score', () => {
    expect(linkUrl('https://pulse.example/', 'abc_-123', 4)).toBe(
      'https://pulse.example/pulse/r/abc_-123?score=4',
    );
  });
});

/** An invitation of `account` to a question of its own, with a one-tap link as the mailer makes it. */
async function linkFor(app: TestApp, account: 'member' | 'member2' = 'member', sentAt = new Date()) {
  const tenantId = app.tenantIds.alpha;
  const text = `Would you recommend working here? ${uniqueLabel('q')}`;
  const questionId = await insertPulseQuestion(app.db, tenantId, { text, scale: 'likely10' });
  const userId = app.userIds[account];
  const invitations = await insertPulseSend(app.db, {
    tenantId,
    questionId,
    userIds: [userId],
    cohortName: uniqueLabel('cohort'),
    sentAt,
  });
  const invitationId = invitations.get(userId) as string;
  const { token, tokenHash } = newLinkToken();
  await app.db.updateTable('pulseInvitations').set({ tokenHash }).where('id', '=', invitationId).execute();
  return { questionId, text, invitationId, token, userId };
}

describe.each(DIALECTS)('pulse.respondWithLink on %s', (dialect) => {
  const clock = new SettableClock();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect, { clock });
  });
  afterAll(() => app.close());
  afterEach(() => clock.set(new Date()));

  const anonymous = () => app.client();
  const scoresOf = async (questionId: string) =>
    (
      await app.db.selectFrom('pulseResponses').select('score').where('questionId', '=', questionId).execute()
    ).map(({ score }) => score);

  it('records the answer without signing in, once, and stores only the hash of the token', async () => {
    const { questionId, text, token } = await linkFor(app);
    const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);

    expect(await anonymous().pulse.respondWithLink.mutate({ token, score: 9 })).toEqual({
      tenantName: 'Alpha Inc',
      question: { text, scale: 'likely10' },
      score: 9,
      threshold: 5,
    });

    expect(await scoresOf(questionId)).toEqual([9]);
    const events = await eventsOf(app, app.tenantIds.alpha, seqBefore);
    expect(events.map(({ type, audience }) => [type, audience])).toEqual([
      ['pulse.response.recorded', 'admins'],
    ]);
    const stored = JSON.stringify(await snapshotData(app.db));
    expect(stored).not.toContain(token);
    expect(stored).toContain(hashLinkToken(token));

    const again = () => anonymous().pulse.respondWithLink.mutate({ token, score: 2 });
    await app.expectNoChange(again, 'CONFLICT');
    expect((await failureOf(again())).message).toBe('You already answered this check-in');
  });

  it('refuses a token that matches no invitation, saying the link is not valid', async () => {
    const unknown = () => anonymous().pulse.respondWithLink.mutate({ token: newLinkToken().token, score: 5 });
    await app.expectNoChange(unknown, 'NOT_FOUND');
    expect((await failureOf(unknown())).message).toBe('This check-in link is not valid');
  });

  it('stops working once the check-in is answered in the app, and the other way round', async () => {
    const byLinkFirst = await linkFor(app);
    await anonymous().pulse.respondWithLink.mutate({ token: byLinkFirst.token, score: 7 });
    const member = await app.as('member');
    await app.expectNoChange(
      () => member.pulse.respond.mutate({ ...alpha, invitationId: byLinkFirst.invitationId, score: 7 }),
      'CONFLICT',
    );

    const inAppFirst = await linkFor(app);
    await member.pulse.respond.mutate({ ...alpha, invitationId: inAppFirst.invitationId, score: 3 });
    await app.expectNoChange(
      () => anonymous().pulse.respondWithLink.mutate({ token: inAppFirst.token, score: 3 }),
      'CONFLICT',
    );
    expect([...(await scoresOf(byLinkFirst.questionId)), ...(await scoresOf(inAppFirst.questionId))]).toEqual(
      [7, 3],
    );
  });

  it('expires exactly seven days after the invitation', async () => {
    const sentAt = new Date('2031-06-02T08:00:00.000Z');
    const inTime = await linkFor(app, 'member', sentAt);
    const tooLate = await linkFor(app, 'member', sentAt);
    const expiresAt = new Date(sentAt.getTime() + 7 * DAY_MS);

    clock.set(new Date(expiresAt.getTime() - 60_000));
    await anonymous().pulse.respondWithLink.mutate({ token: inTime.token, score: 6 });

    clock.set(expiresAt);
    const expired = () => anonymous().pulse.respondWithLink.mutate({ token: tooLate.token, score: 6 });
    await app.expectNoChange(expired, 'PRECONDITION_FAILED');
    expect((await failureOf(expired())).message).toBe(`This check-in expired at ${expiresAt.toISOString()}`);
  });

  it("refuses a score off the question's scale", async () => {
    const { token } = await linkFor(app);
    const tooHigh = () => anonymous().pulse.respondWithLink.mutate({ token, score: 11 });
    await app.expectNoChange(tooHigh, 'BAD_REQUEST');
    expect((await failureOf(tooHigh())).message).toContain('score');
  });

  it('no longer works for someone who left the organization', async () => {
    const { token, userId } = await linkFor(app, 'member2');
    await deleteMember(app.db, app.tenantIds.alpha, userId);
    const unknown = await failureOf(
      anonymous().pulse.respondWithLink.mutate({ token: newLinkToken().token, score: 5 }),
    );
    const left = () => anonymous().pulse.respondWithLink.mutate({ token, score: 5 });
    await app.expectNoChange(left, 'NOT_FOUND');
    expect(await failureOf(left())).toEqual(unknown);
  });
});

describe('unknown one-tap links', () => {
  let app: TestApp;
  const GUESSES = 3;

  beforeAll(async () => {
    app = await startTestApp('sqlite', { rateLimitPoints: { codeGuessesPerAddress: GUESSES } });
  });
  afterAll(() => app.close());

  it('spend the per-address budget of code guesses; links that work spend nothing', async () => {
    const unknownLink = () =>
      app.client().pulse.respondWithLink.mutate({ token: newLinkToken().token, score: 5 });
    for (let answer = 1; answer <= GUESSES; answer += 1) {
      const { token } = await linkFor(app);
      await app.client().pulse.respondWithLink.mutate({ token, score: 5 });
    }
    for (let guess = 1; guess <= GUESSES; guess += 1) {
      expect((await failureOf(unknownLink())).code).toBe('NOT_FOUND');
    }
    const refused = await failureOf(unknownLink());
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(/^Too many unknown codes/);
  });
});
