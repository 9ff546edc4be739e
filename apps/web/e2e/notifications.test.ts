/**
 * Being told when one's question is answered, in Chromium: a participant on a phone asks with
 * "Notify me when answered" on, a moderator answers from elsewhere, and the bell in the phone's header
 * counts it without a reload; its list leads to the question, and opening it clears the badge. The
 * email a real SMTP server received carries a link that turns these emails off in a browser that never
 * signed in, and back on.
 */
import type { OwnQuestionPage } from '@pulsestage/contracts';
import { mutate, signIn as signInByApi } from '@pulsestage/test-harness/accounts';
import { type CapturedMail, TestSmtpServer } from '@pulsestage/test-harness/smtp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  meetingPath,
  openWindow,
  type Stage,
  screenshot,
  signIn,
  startStage,
} from './browser';

const QUESTION = `Will the new office have bike parking? ${Date.now()}`;
const ANSWER = 'Yes: forty covered places, from the first day.';
/** The badge follows the stream within a second; the mailer looks for due emails every 5 s. */
const LIVE_MS = 20_000;
const MAIL_MS = 30_000;

describe('notifications when a question is answered', () => {
  let stage: Stage;
  let smtp: TestSmtpServer;
  let phone: Page;
  let meetingId: string;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    stage = await startStage({ SMTP_URL: smtp.url });
    phone = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
  });
  afterAll(async () => {
    await stage?.close();
    await smtp?.stop();
  });

  const badge = () => phone.getByTestId('notification-badge');

  /** The next email telling `address` of an answer; the demo's pulse check-ins may come in between. */
  async function answerEmailTo(address: string): Promise<CapturedMail> {
    for (;;) {
      const mail = await smtp.nextMessageTo(address, { timeoutMs: MAIL_MS });
      if (mail.subject.startsWith('Your question was answered')) return mail;
    }
  }

  /** The id of the phone's newest own question in the meeting, as its own list says. */
  async function newestOwnQuestionId(): Promise<string> {
    const input = encodeURIComponent(JSON.stringify({ tenant: 'demo', meetingId }));
    const response = await phone.request.get(`/trpc/question.mine?input=${input}`);
    const page: OwnQuestionPage = (await response.json()).result.data;
    const newest = page.items.find((item) => item.body === QUESTION);
    if (!newest) throw new Error('the question is not in its author’s list');
    expect(newest.notifyWhenAnswered).toBe(true);
    return newest.id;
  }

  it('counts the answer on the bell without a reload, links to the question and clears once read', async () => {
    await signIn(phone, 'bob@demo.test', '/t/demo');
    const path = await meetingPath(phone);
    meetingId = path.split('/').pop() ?? '';
    await phone.goto(path);
    const notify = phone.getByRole('checkbox', { name: 'Notify me when answered' }).first();
    // On by default for an account with an email address, once the page knows whose it is.
    await expect.poll(() => notify.isChecked(), { timeout: LIVE_MS }).toBe(true);
    await phone.getByLabel('Ask a question').fill(QUESTION);
    await phone.getByRole('button', { name: 'Send' }).click();
    await phone.getByRole('status').filter({ hasText: 'Thanks!' }).waitFor();
    const questionId = await newestOwnQuestionId();
    expect(await badge().count()).toBe(0);

    const moderator = await signInByApi(stage.api.url, 'mod@demo.test');
    await mutate(
      stage.api.url,
      'question.answer',
      { tenant: 'demo', meetingId, questionId, responseText: ANSWER },
      moderator,
    );

    await badge().waitFor({ timeout: LIVE_MS });
    expect(await badge().textContent()).toBe('1');
    const bell = phone.getByRole('button', { name: 'Notifications, 1 unread' });
    await bell.click();
    const item = phone.getByTestId('notification').filter({ hasText: QUESTION });
    await item.waitFor();
    expect(await item.textContent()).toContain(ANSWER);
    const width = await phone.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(width.document).toBeLessThanOrEqual(width.viewport);
    await screenshot(phone, 'notifications-phone');
    expect(await accessibilityProblems(phone)).toEqual([]);
    await phone.emulateMedia({ colorScheme: 'dark' });
    await screenshot(phone, 'notifications-phone-dark');
    expect(await accessibilityProblems(phone)).toEqual([]);
    await phone.emulateMedia({ colorScheme: 'light' });

    await item.getByRole('link').click();
    await phone.waitForURL((url) => url.pathname === `/t/demo/m/${meetingId}` && url.search === '?tab=mine');
    await phone.getByText(QUESTION).first().waitFor();
    await badge().waitFor({ state: 'detached', timeout: LIVE_MS });
    await phone.getByRole('button', { name: 'Notifications' }).click();
    const opened = phone.getByTestId('notification').filter({ hasText: QUESTION });
    await expect.poll(() => opened.getAttribute('data-read'), { timeout: LIVE_MS }).toBe('true');
  });

  it('emails the answer with a link that turns these emails off, and the page turns them back on', async () => {
    const mail = await answerEmailTo('bob@demo.test');
    expect(mail.text).toContain(QUESTION);
    expect(mail.text).toContain(ANSWER);
    // Links point at the public address (here the server on localhost): their paths are what matters.
    const paths = mail.links.map((link) => {
      const url = new URL(link);
      return `${url.pathname}${url.search}`;
    });
    expect(paths).toContain(`/t/demo/m/${meetingId}?tab=mine`);
    const offPath = paths.find((path) => path.startsWith('/notifications/email-off/')) ?? '';

    const stranger = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await stranger.goto(offPath);
    const setting = stranger.getByTestId('email-setting');
    await stranger.getByRole('heading', { name: 'You will get no more of these emails' }).waitFor();
    expect(await setting.getAttribute('data-enabled')).toBe('false');
    expect(await accessibilityProblems(stranger)).toEqual([]);
    const bob = await signInByApi(stage.api.url, 'bob@demo.test');
    const answerEmails = async () => {
      const response = await fetch(`${stage.api.url}/trpc/account.answerEmails`, {
        headers: { cookie: bob },
      });
      return (await response.json()).result.data.enabled as boolean;
    };
    expect(await answerEmails()).toBe(false);

    await stranger.getByRole('button', { name: 'Turn them back on' }).click();
    await stranger.getByRole('heading', { name: 'Emails are on again' }).waitFor();
    await expect.poll(answerEmails, { timeout: LIVE_MS }).toBe(true);
  });

  it('shows the same setting on the account page', async () => {
    await phone.goto('/account');
    const toggle = phone.getByRole('switch', { name: 'Also email me when my questions are answered' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await expect.poll(() => toggle.isChecked(), { timeout: LIVE_MS }).toBe(false);
    expect(await accessibilityProblems(phone)).toEqual([]);
  });
});
