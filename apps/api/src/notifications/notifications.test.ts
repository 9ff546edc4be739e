import { TestSmtpServer } from '@pulsestage/test-harness/smtp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Mailer, startMailer } from '../mail/mailer.js';
import { addMember } from '../tenants/repository.js';
import {
  type Client,
  errorCodeOf,
  type NewAccount,
  startTestApp,
  type TestApp,
  uniqueLabel,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING, BETA_MEETING } from '../test-support/fixture.js';
import { LIVE_WAIT_MS, newServiceToken, waitFor } from '../test-support/sse.js';
import { notificationEmails } from './mailer.js';

type Meeting = typeof ALPHA_MEETING | typeof BETA_MEETING;

describe.each(DIALECTS)('notifications of answers on %s', (dialect) => {
  let app: TestApp;
  let moderator: Client;
  let betaOwner: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [moderator, betaOwner] = await app.clients('moderator', 'betaOwner');
  });
  afterAll(() => app.close());

  /** A new member of alpha (and of beta when asked), so each test counts only its own notifications. */
  async function newMember(alsoInBeta = false): Promise<NewAccount> {
    const account = await app.newAccount('asker');
    await addMember(app.db, app.tenantIds.alpha, account.userId, 'member');
    if (alsoInBeta) await addMember(app.db, app.tenantIds.beta, account.userId, 'member');
    return account;
  }

  const newBody = () => `When is the next release? ${uniqueLabel('q')}`;

  async function ask(
    client: Client,
    notifyWhenAnswered: boolean,
    meeting: Meeting = ALPHA_MEETING,
    body = newBody(),
  ) {
    const question = await client.question.submit.mutate({ ...meeting, body, notifyWhenAnswered });
    return { ...meeting, questionId: question.id };
  }

  const list = (client: Client, tenant = 'alpha') => client.notification.list.query({ tenant });

  it('tells the author, and nobody else, that their question was answered', async () => {
    const [author, other] = [await newMember(), await newMember()];
    const body = newBody();
    const question = await ask(author.client, true, ALPHA_MEETING, body);

    await moderator.question.answer.mutate({ ...question, responseText: 'Next Tuesday.' });

    const page = await list(author.client);
    expect(page.unreadCount).toBe(1);
    expect(page.items).toEqual([
      {
        id: expect.any(String),
        kind: 'answered',
        meetingId: ALPHA_MEETING.meetingId,
        questionId: question.questionId,
        questionText: body,
        answerPreview: 'Next Tuesday.',
        mergedInto: null,
        createdAt: expect.any(String),
        read: false,
      },
    ]);
    expect(await author.client.notification.unreadCount.query({ tenant: 'alpha' })).toEqual({
      unreadCount: 1,
    });
    expect((await list(other.client)).items).toEqual([]);
    expect((await list(moderator)).items.map((item) => item.questionId)).not.toContain(question.questionId);
  });

  it('tells nobody who did not ask, and follows a choice changed later on the question', async () => {
    const author = await newMember();
    const silent = await ask(author.client, false);
    const changedMind = await ask(author.client, false);

    expect(await author.client.question.setNotify.mutate({ ...changedMind, notify: true })).toEqual({
      questionId: changedMind.questionId,
      notifyWhenAnswered: true,
    });
    const mine = await author.client.question.mine.query(ALPHA_MEETING);
    const flags = new Map(mine.items.map((item) => [item.id, item.notifyWhenAnswered]));
    expect([flags.get(silent.questionId), flags.get(changedMind.questionId)]).toEqual([false, true]);
    await moderator.question.answer.mutate({ ...silent, responseText: 'No.' });
    await moderator.question.answer.mutate({ ...changedMind, responseText: 'Yes.' });

    expect((await list(author.client)).items.map((item) => item.questionId)).toEqual([
      changedMind.questionId,
    ]);
  });

  it('lets only the author choose, and never shows the choice to others', async () => {
    const [author, other] = [await newMember(), await newMember()];
    const question = await ask(author.client, true);

    await app.expectNoChange(
      () => other.client.question.setNotify.mutate({ ...question, notify: false }),
      'FORBIDDEN',
    );
    const seenByOther = await other.client.question.get.query(question);
    expect(seenByOther).not.toHaveProperty('notifyWhenAnswered');
    const listed = await moderator.question.list.query({ ...ALPHA_MEETING, status: 'OPEN', limit: 100 });
    expect(JSON.stringify(listed)).not.toContain('notifyWhenAnswered');
  });

  it('tells once: answered live, then edited, reopened and answered again', async () => {
    const author = await newMember();
    const question = await ask(author.client, true);

    await moderator.question.answer.mutate(question);
    await moderator.question.answer.mutate({ ...question, responseText: 'Written up afterwards.' });
    await moderator.question.reopen.mutate(question);
    await moderator.question.answer.mutate({ ...question, responseText: 'Once more.' });

    const { items, unreadCount } = await list(author.client);
    expect(unreadCount).toBe(1);
    expect(items).toHaveLength(1);
    expect(items[0]?.answerPreview).toBe('Once more.');
  });

  it('shows an answer given live, in the room, as such', async () => {
    const author = await newMember();
    const question = await ask(author.client, true);
    await moderator.question.answer.mutate(question);
    expect((await list(author.client)).items[0]?.answerPreview).toBeNull();
  });

  it('marks one or all as read, and only its own', async () => {
    const [author, other] = [await newMember(), await newMember()];
    const questions = [await ask(author.client, true), await ask(author.client, true)];
    for (const question of questions) await moderator.question.answer.mutate(question);
    const [newest] = (await list(author.client)).items;

    await app.expectNoChange(
      () => other.client.notification.markRead.mutate({ tenant: 'alpha', notificationId: newest?.id }),
      'NOT_FOUND',
    );
    expect(
      await author.client.notification.markRead.mutate({ tenant: 'alpha', notificationId: newest?.id }),
    ).toEqual({ unreadCount: 1 });
    expect((await list(author.client)).items.map((item) => item.read)).toEqual([true, false]);
    expect(await author.client.notification.markRead.mutate({ tenant: 'alpha' })).toEqual({ unreadCount: 0 });
  });

  it('pages newest first', async () => {
    const author = await newMember();
    const questions = [];
    for (let index = 0; index < 3; index += 1) {
      const question = await ask(author.client, true);
      await moderator.question.answer.mutate({ ...question, responseText: `Answer ${index}` });
      questions.push(question.questionId);
    }
    const first = await author.client.notification.list.query({ tenant: 'alpha', limit: 2 });
    const second = await author.client.notification.list.query({
      tenant: 'alpha',
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect([...first.items, ...second.items].map((item) => item.questionId)).toEqual(questions.reverse());
    expect(second.nextCursor).toBeNull();
    expect(
      await errorCodeOf(author.client.notification.list.query({ tenant: 'alpha', cursor: 'nonsense' })),
    ).toBe('BAD_REQUEST');
  });

  it("keeps each tenant's notifications in it: a member of both sees alpha's only in alpha", async () => {
    const author = await newMember(true);
    const inAlpha = await ask(author.client, true);
    const inBeta = await ask(author.client, true, BETA_MEETING);
    await moderator.question.answer.mutate(inAlpha);
    await betaOwner.question.answer.mutate(inBeta);

    expect((await list(author.client, 'alpha')).items.map((item) => item.questionId)).toEqual([
      inAlpha.questionId,
    ]);
    expect((await list(author.client, 'beta')).items.map((item) => item.questionId)).toEqual([
      inBeta.questionId,
    ]);
    const [alphaNotification] = (await list(author.client, 'alpha')).items;
    await app.expectNoChange(
      () =>
        author.client.notification.markRead.mutate({ tenant: 'beta', notificationId: alphaNotification?.id }),
      'NOT_FOUND',
    );
  });

  /** A duplicate of a new question by another member, merged into it; upvoted by a third member. */
  async function mergeDuplicate(author: NewAccount, notifyWhenAnswered: boolean) {
    const [targetAuthor, voter] = [await newMember(), await newMember()];
    const target = await ask(targetAuthor.client, false);
    const duplicateBody = newBody();
    const duplicate = await ask(author.client, notifyWhenAnswered, ALPHA_MEETING, duplicateBody);
    await voter.client.question.upvote.mutate(duplicate);
    await moderator.question.merge.mutate({ ...duplicate, intoQuestionId: target.questionId });
    const { body: targetBody } = await targetAuthor.client.question.get.query(target);
    return { target, targetBody, duplicate, duplicateBody, others: [targetAuthor, voter] };
  }

  describe('of merges', () => {
    it("tells the duplicate's author once, whatever they chose for answers, and nobody else", async () => {
      const author = await newMember();
      const { target, targetBody, duplicate, duplicateBody, others } = await mergeDuplicate(author, false);

      const page = await list(author.client);
      expect(page.unreadCount).toBe(1);
      expect(page.items).toEqual([
        {
          id: expect.any(String),
          kind: 'merged',
          meetingId: ALPHA_MEETING.meetingId,
          questionId: duplicate.questionId,
          questionText: duplicateBody,
          answerPreview: null,
          mergedInto: { id: target.questionId, body: targetBody, answered: false },
          createdAt: expect.any(String),
          read: false,
        },
      ]);
      for (const other of [...others, { client: moderator }]) {
        const questionIds = (await list(other.client)).items.map((item) => item.questionId);
        expect(questionIds).not.toContain(duplicate.questionId);
        expect(questionIds).not.toContain(target.questionId);
      }
    });

    it("tells nobody of a service token's question merged", async () => {
      const { token } = await newServiceToken(await app.as('admin'));
      const bot = app.client({ bearer: token });
      const duplicate = await ask(bot, true);
      const target = await ask(moderator, false);
      await moderator.question.merge.mutate({ ...duplicate, intoQuestionId: target.questionId });

      const notified = await app.db
        .selectFrom('notifications')
        .select('id')
        .where('questionId', '=', duplicate.questionId)
        .execute();
      expect(notified).toEqual([]);
    });

    it('names the question it joined only while everyone can see it', async () => {
      const author = await newMember();
      const { target } = await mergeDuplicate(author, false);

      await moderator.question.hide.mutate(target);
      expect((await list(author.client)).items[0]).toMatchObject({ kind: 'merged', mergedInto: null });
      await moderator.question.restore.mutate(target);
      expect((await list(author.client)).items[0]?.mergedInto?.id).toBe(target.questionId);
    });
  });

  describe('by email', () => {
    let smtp: TestSmtpServer;
    let mailer: Mailer | undefined;

    beforeAll(async () => {
      smtp = await TestSmtpServer.start();
    });
    afterEach(async () => {
      await mailer?.stop();
      mailer = undefined;
    });
    afterAll(() => smtp.stop());

    function startNotificationMailer(): void {
      mailer = startMailer([notificationEmails(app.db, app.url)], {
        smtpUrl: smtp.url,
        from: 'PulseStage <notify@pulsestage.test>',
        intervalMs: 50,
        retryDelayMs: 100,
        log: () => {},
      });
    }

    const emailStateOf = async (questionId: string) =>
      (
        await app.db
          .selectFrom('notifications')
          .select('emailState')
          .where('questionId', '=', questionId)
          .executeTakeFirstOrThrow()
      ).emailState;

    it('emails the question and its answer with a link to it, and a link that turns the emails off', async () => {
      const author = await newMember();
      const body = newBody();
      const question = await ask(author.client, true, ALPHA_MEETING, body);
      startNotificationMailer();
      await moderator.question.answer.mutate({ ...question, responseText: 'Next <b>Tuesday</b>.' });

      const mail = await smtp.nextMessageTo(author.email);
      expect(mail.subject).toBe('Your question was answered in Alpha Inc');
      expect(mail.text).toContain(body);
      expect(mail.text).toContain('Next <b>Tuesday</b>.');
      expect(mail.html).toContain('Next &#60;b&#62;Tuesday&#60;/b&#62;.');
      expect(mail.links).toContain(`${app.url}/t/alpha/m/${ALPHA_MEETING.meetingId}?tab=mine`);
      const offLink = mail.links.find((link) => link.includes('/notifications/email-off/')) ?? '';
      expect(mail.headers['list-unsubscribe']).toBe(`<${offLink}>`);
      expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

      const token = offLink.split('/').pop() ?? '';
      expect(await app.client().notification.setEmailByLink.mutate({ token, enabled: false })).toEqual({
        enabled: false,
        tenantName: 'Alpha Inc',
      });
      expect(await author.client.account.answerEmails.query()).toEqual({ enabled: false, available: true });
      const later = await ask(author.client, true);
      await moderator.question.answer.mutate(later);
      expect(await emailStateOf(later.questionId)).toBe('none');
      expect((await list(author.client)).unreadCount).toBe(2);

      // The same link turns them back on.
      await app.client().notification.setEmailByLink.mutate({ token, enabled: true });
      expect(await author.client.account.answerEmails.query()).toEqual({ enabled: true, available: true });
    });

    it("turns the emails off with a mail client's one-click POST", async () => {
      const author = await newMember();
      const question = await ask(author.client, true);
      startNotificationMailer();
      await moderator.question.answer.mutate(question);
      const mail = await smtp.nextMessageTo(author.email);
      const offLink = /<(.+)>/.exec(mail.headers['list-unsubscribe'] ?? '')?.[1] ?? '';

      const response = await fetch(offLink, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(response.status).toBe(200);
      expect(await author.client.account.answerEmails.query()).toEqual({ enabled: false, available: true });
      const unknown = await fetch(`${app.url}/notifications/email-off/${'x'.repeat(43)}`, { method: 'POST' });
      expect(unknown.status).toBe(404);
    });

    it('emails nobody who turned the emails off on their account, nor guests: they are told in the app', async () => {
      const [optedOut, guest] = [await newMember(), await newMember()];
      await optedOut.client.account.setAnswerEmails.mutate({ enabled: false });
      await app.db
        .updateTable('users')
        .set({ guest: 1, email: null })
        .where('id', '=', guest.userId)
        .execute();
      expect(await guest.client.account.answerEmails.query()).toEqual({ enabled: false, available: false });
      const questions = [await ask(optedOut.client, true), await ask(guest.client, true)];
      startNotificationMailer();
      for (const question of questions) await moderator.question.answer.mutate(question);

      for (const question of questions) expect(await emailStateOf(question.questionId)).toBe('none');
      expect((await list(optedOut.client)).unreadCount).toBe(1);
      expect((await list(guest.client)).unreadCount).toBe(1);
      expect(smtp.messagesTo(optedOut.email)).toEqual([]);
    });

    it('emails a merge to an author who asked to be told about that question, with the question it joined', async () => {
      const [author, silent] = [await newMember(), await newMember()];
      startNotificationMailer();
      const { duplicate, duplicateBody, targetBody } = await mergeDuplicate(author, true);
      const { duplicate: notAsked } = await mergeDuplicate(silent, false);

      const mail = await smtp.nextMessageTo(author.email);
      expect(mail.subject).toBe('Your question was merged in Alpha Inc');
      expect(mail.text).toContain(`merged into a similar one:\n\n${targetBody}`);
      expect(mail.text).toContain('Your vote now counts there.');
      expect(mail.text).toContain(duplicateBody);
      expect(mail.links).toContain(`${app.url}/t/alpha/m/${ALPHA_MEETING.meetingId}`);
      expect(mail.headers['list-unsubscribe']).toContain('/notifications/email-off/');
      expect(await emailStateOf(notAsked.questionId)).toBe('none');
      await waitFor(
        async () => (await emailStateOf(duplicate.questionId)) === 'sent',
        LIVE_WAIT_MS,
        'the email sent',
      );
      expect(smtp.messagesTo(silent.email)).toEqual([]);
    });

    it('sends each email once and records it as sent', async () => {
      const author = await newMember();
      const question = await ask(author.client, true);
      await moderator.question.answer.mutate(question);
      startNotificationMailer();
      await waitFor(
        async () => (await emailStateOf(question.questionId)) === 'sent',
        LIVE_WAIT_MS,
        'the email sent',
      );
      expect(smtp.messagesTo(author.email)).toHaveLength(1);
    });
  });
});
