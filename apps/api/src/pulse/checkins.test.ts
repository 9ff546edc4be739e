import { PULSE_COHORTS_DEFAULT, type PulseScale } from '@pulsestage/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../clock.js';
import {
  type Client,
  failureOf,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
  uniqueLabel,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { insertPulseQuestion, insertPulseSend } from '../test-support/pulse.js';
import { cohortOf } from './cohorts.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const alpha = { tenant: 'alpha' };

describe.each(DIALECTS)('pulse check-ins on %s', (dialect) => {
  const clock = new SettableClock();
  let app: TestApp;
  let member: Client;
  let member2: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect, { clock });
    [member, member2] = await app.clients('member', 'member2');
  });
  afterAll(() => app.close());
  afterEach(() => clock.set(new Date()));

  interface Invite {
    tenant?: 'alpha' | 'beta';
    scale?: PulseScale;
    text?: string;
    localDate?: string;
    sentAt?: Date;
  }

  /** A question of its own, and one send of it to `userIds` (a cohort of its own, so sends never collide). */
  async function invite(userIds: string[], options: Invite = {}) {
    const tenantId = app.tenantIds[options.tenant ?? 'alpha'];
    const text = options.text ?? `How was your week? ${uniqueLabel('q')}`;
    const questionId = await insertPulseQuestion(app.db, tenantId, { text, scale: options.scale });
    const invitations = await insertPulseSend(app.db, {
      tenantId,
      questionId,
      userIds,
      cohortName: uniqueLabel('cohort'),
      localDate: options.localDate,
      sentAt: options.sentAt ?? clock.now(),
    });
    const invitationOf = (userId: string) => invitations.get(userId) as string;
    return { questionId, text, invitationOf };
  }

  const responsesTo = (questionId: string) =>
    app.db.selectFrom('pulseResponses').selectAll().where('questionId', '=', questionId).execute();

  async function joinAsGuest(): Promise<Client> {
    const owner = await app.as('owner');
    await owner.tenant.updateSettings.mutate({ ...alpha, allowGuests: true });
    const { code } = await owner.tenant.createJoinLink.mutate(alpha);
    const joined = await app.raw('POST', 'auth.joinWithCode', { code, name: 'Visitor' });
    return app.client({ cookie: sessionCookieFrom(joined.headers) ?? '' });
  }

  describe('pulse.pending', () => {
    it("lists only the caller's unused, unexpired check-ins of this tenant, newest first", async () => {
      const { member: memberId, member2: member2Id, betaMember } = app.userIds;
      const older = await invite([memberId, member2Id], { localDate: '2031-03-03' });
      const newer = await invite([memberId], { localDate: '2031-03-04', scale: 'likely10' });
      const answered = await invite([memberId], { localDate: '2031-03-05' });
      await member.pulse.respond.mutate({
        ...alpha,
        invitationId: answered.invitationOf(memberId),
        score: 3,
      });
      await invite([memberId], { sentAt: new Date(Date.now() - 8 * DAY_MS) });
      await invite([member2Id]);
      const inBeta = await invite([betaMember], { tenant: 'beta' });

      const pending = await member.pulse.pending.query(alpha);

      // The expired, answered and other people's check-ins are not there at all.
      expect(pending.checkins).toEqual([
        {
          invitationId: newer.invitationOf(memberId),
          question: { id: newer.questionId, text: newer.text, scale: 'likely10' },
          date: '2031-03-04',
          expiresAt: expect.any(String),
        },
        {
          invitationId: older.invitationOf(memberId),
          question: { id: older.questionId, text: older.text, scale: 'agree5' },
          date: '2031-03-03',
          expiresAt: expect.any(String),
        },
      ]);
      expect(pending.cohortName).toBe(cohortOf(memberId, PULSE_COHORTS_DEFAULT));
      expect(pending.emailInvitations).toBe(true);
      const betaPending = await (await app.as('betaMember')).pulse.pending.query({ tenant: 'beta' });
      expect(betaPending.checkins.map(({ invitationId }) => invitationId)).toEqual([
        inBeta.invitationOf(betaMember),
      ]);
    });

    it('tells guests and service tokens that they are never invited', async () => {
      const guest = await joinAsGuest();
      const notInvited = { cohortName: null, emailInvitations: false, checkins: [], threshold: 5 };
      expect(await guest.pulse.pending.query(alpha)).toEqual(notInvited);
      const owner = await app.as('owner');
      const { token } = await owner.tenant.createServiceToken.mutate({
        ...alpha,
        name: 'bot',
        role: 'member',
      });
      expect(await app.client({ bearer: token }).pulse.pending.query(alpha)).toEqual(notInvited);
    });
  });

  describe('pulse.respond', () => {
    it('records the answer once and returns what was recorded', async () => {
      const memberId = app.userIds.member;
      const { questionId, text, invitationOf } = await invite([memberId]);
      const invitationId = invitationOf(memberId);

      expect(await member.pulse.respond.mutate({ ...alpha, invitationId, score: 4 })).toEqual({
        tenantName: 'Alpha Inc',
        question: { text, scale: 'agree5' },
        score: 4,
        threshold: 5,
      });
      expect((await responsesTo(questionId)).map(({ score }) => score)).toEqual([4]);
      const pending = await member.pulse.pending.query(alpha);
      expect(pending.checkins.map((checkin) => checkin.invitationId)).not.toContain(invitationId);

      const again = () => member.pulse.respond.mutate({ ...alpha, invitationId, score: 2 });
      await app.expectNoChange(again, 'CONFLICT');
      expect((await failureOf(again())).message).toBe('You already answered this check-in');
    });

    it("refuses someone else's check-in and another tenant's exactly like one that does not exist", async () => {
      const { member: memberId, betaMember } = app.userIds;
      const { invitationOf } = await invite([memberId]);
      const inBeta = await invite([betaMember], { tenant: 'beta' });
      const answer = (client: Client, invitationId: string) => () =>
        client.pulse.respond.mutate({ ...alpha, invitationId, score: 3 });

      const nowhere = await failureOf(answer(member2, crypto.randomUUID())());
      expect(nowhere.code).toBe('NOT_FOUND');
      await app.expectNoChange(answer(member2, invitationOf(memberId)), 'NOT_FOUND');
      expect(await failureOf(answer(member2, invitationOf(memberId))())).toEqual(nowhere);
      await app.expectNoChange(answer(member, inBeta.invitationOf(betaMember)), 'NOT_FOUND');
      expect(await failureOf(answer(member, inBeta.invitationOf(betaMember))())).toEqual(nowhere);
      const guest = await joinAsGuest();
      await app.expectNoChange(answer(guest, invitationOf(memberId)), 'NOT_FOUND');
      // The member's own check-in is still there to answer.
      await answer(member, invitationOf(memberId))();
    });

    it("refuses a score off the question's scale, naming the range", async () => {
      const memberId = app.userIds.member;
      const agreement = await invite([memberId]);
      const likelihood = await invite([memberId], { scale: 'likely10' });
      const answer = (invitationId: string, score: number) => () =>
        member.pulse.respond.mutate({ ...alpha, invitationId, score });

      for (const score of [0, 6]) {
        const offScale = answer(agreement.invitationOf(memberId), score);
        await app.expectNoChange(offScale, 'BAD_REQUEST');
        expect((await failureOf(offScale())).message).toBe('score: must be 1 to 5');
      }
      const tooHigh = answer(likelihood.invitationOf(memberId), 11);
      await app.expectNoChange(tooHigh, 'BAD_REQUEST');
      expect((await failureOf(tooHigh())).message).toContain('score');
      await answer(likelihood.invitationOf(memberId), 0)();
      expect((await responsesTo(likelihood.questionId)).map(({ score }) => score)).toEqual([0]);
    });

    it('accepts an answer until exactly seven days after the invitation, and refuses it from then on', async () => {
      const memberId = app.userIds.member;
      const sentAt = new Date('2031-05-05T09:00:00.000Z');
      const early = await invite([memberId], { sentAt });
      const late = await invite([memberId], { sentAt });
      const expiresAt = new Date(sentAt.getTime() + 7 * DAY_MS);

      clock.set(new Date(expiresAt.getTime() - 60_000));
      await member.pulse.respond.mutate({ ...alpha, invitationId: early.invitationOf(memberId), score: 5 });
      expect(
        (await member.pulse.pending.query(alpha)).checkins.map(({ invitationId }) => invitationId),
      ).toContain(late.invitationOf(memberId));

      clock.set(expiresAt);
      const expired = () =>
        member.pulse.respond.mutate({ ...alpha, invitationId: late.invitationOf(memberId), score: 5 });
      await app.expectNoChange(expired, 'PRECONDITION_FAILED');
      expect((await failureOf(expired())).message).toBe(
        `This check-in expired at ${expiresAt.toISOString()}`,
      );
      expect(
        (await member.pulse.pending.query(alpha)).checkins.map(({ invitationId }) => invitationId),
      ).not.toContain(late.invitationOf(memberId));
    });

    it('records ten simultaneous taps on one check-in once, and refuses the other nine as already answered', async () => {
      const memberId = app.userIds.member;
      const { questionId, invitationOf } = await invite([memberId]);
      const taps = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) =>
          member.pulse.respond.mutate({
            ...alpha,
            invitationId: invitationOf(memberId),
            score: (index % 5) + 1,
          }),
        ),
      );
      expect(taps.filter(({ status }) => status === 'fulfilled')).toHaveLength(1);
      const refusals = await Promise.all(
        taps.flatMap((tap) => (tap.status === 'rejected' ? [failureOf(Promise.reject(tap.reason))] : [])),
      );
      expect(refusals.map(({ code }) => code)).toEqual(Array(9).fill('CONFLICT'));
      expect(await responsesTo(questionId)).toHaveLength(1);
    });
  });

  describe('pulse.setEmailPreference', () => {
    const emailStates = (invitationIds: string[]) =>
      app.db
        .selectFrom('pulseInvitations')
        .select(['id', 'emailState'])
        .where('id', 'in', invitationIds)
        .execute()
        .then((rows) => Object.fromEntries(rows.map((row) => [row.id, row.emailState])));

    it('turns email invitations off, which stops the emails not yet sent, and on again', async () => {
      const { member: memberId, member2: member2Id } = app.userIds;
      const tenantId = app.tenantIds.alpha;
      const questionId = await insertPulseQuestion(app.db, tenantId);
      const send = (emailState: 'pending' | 'sent') =>
        insertPulseSend(app.db, {
          tenantId,
          questionId,
          userIds: [memberId, member2Id],
          cohortName: uniqueLabel('cohort'),
          emailState,
        });
      const pending = await send('pending');
      const sent = await send('sent');
      const ids = [...pending.values(), ...sent.values()];

      const off = await member.pulse.setEmailPreference.mutate({ ...alpha, emailInvitations: false });

      expect(off.emailInvitations).toBe(false);
      expect(off.cohortName).toBe(cohortOf(memberId, PULSE_COHORTS_DEFAULT));
      expect(await emailStates(ids)).toEqual({
        [pending.get(memberId) as string]: 'none',
        [pending.get(member2Id) as string]: 'pending',
        [sent.get(memberId) as string]: 'sent',
        [sent.get(member2Id) as string]: 'sent',
      });
      expect((await member.pulse.pending.query(alpha)).emailInvitations).toBe(false);
      expect((await member2.pulse.pending.query(alpha)).emailInvitations).toBe(true);

      const on = await member.pulse.setEmailPreference.mutate({ ...alpha, emailInvitations: true });
      expect(on.emailInvitations).toBe(true);
    });

    it('refuses guests, who are never invited, without changing anything', async () => {
      const guest = await joinAsGuest();
      const optOut = () => guest.pulse.setEmailPreference.mutate({ ...alpha, emailInvitations: false });
      await app.expectNoChange(optOut, 'FORBIDDEN');
      expect((await failureOf(optOut())).message).toMatch(/guests/i);
    });
  });
});
