/**
 * A pulse check-in in Chromium, as the people in it live it: an admin writes a question and plans the
 * week, the API's clock reaches the scheduled minute, a member on a phone sees the check-in appear and
 * answers with one tap, another answers from the link in the email a real SMTP server received (in a
 * browser that never signed in), a third in the app, and the admin's dashboard, open all along, follows
 * live: first only how many more answers it needs, then the figures.
 */
import type { Member, PulsePending } from '@pulsestage/contracts';
import { mutate, signIn as signInByApi } from '@pulsestage/test-harness/accounts';
import { TestSmtpServer } from '@pulsestage/test-harness/smtp';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems, openWindow, type Stage, screenshot, signIn, startStage } from './browser';

const QUESTION = 'Do you have what you need to do your best work this week?';
const DEMO = { tenant: 'demo' } as const;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** The check-in's card may wait up to the stream's jitter (2 s) after the send; the mail a retry or two. */
const LIVE_MS = 20_000;
const MAIL_MS = 30_000;

/** Tomorrow at 09:00:30 UTC: the scheduled minute has just come, and nothing of the day was sent before. */
function tomorrowAtNine(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 9, 0, 30));
}

/** A tRPC query over plain HTTP as the holder of `cookie`. */
async function queryAs<T>(baseUrl: string, path: string, input: unknown, cookie: string): Promise<T> {
  const response = await fetch(`${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { cookie },
  });
  if (response.status !== 200) throw new Error(`${path} failed: ${response.status} ${await response.text()}`);
  return (await response.json()).result.data as T;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a pulse check-in from its schedule to the live results', () => {
  let stage: Stage;
  let smtp: TestSmtpServer;
  let admin: Page;
  let alice: Page;
  const sendAt = tomorrowAtNine();
  const sendDay = WEEKDAY_NAMES[sendAt.getUTCDay()] ?? '';

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    stage = await startStage({ TEST_CLOCK: 'on', SMTP_URL: smtp.url });
    admin = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(admin, 'owner@demo.test', '/t/demo/pulse');
  });
  afterAll(async () => {
    await stage?.close();
    await smtp?.stop();
  });

  /** The dashboard's card of the question, and its headline figures. */
  const results = () => admin.getByTestId('pulse-results').filter({ hasText: QUESTION });
  const headline = () => results().getByTestId('pulse-headline');

  it('lets an admin put a member in a team, which their answers count for', async () => {
    await admin.goto('/t/demo/admin');
    const team = admin.getByLabel('Team of Bob');
    const current = await team.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text);
    const other = current === 'Sales' ? 'Engineering' : 'Sales';
    const chosen = await team
      .getByRole('option', { name: other })
      .evaluate((option: HTMLOptionElement) => option.value);
    await team.selectOption(chosen);
    const bobsTeam = async () => {
      const response = await admin.request.get(
        `/trpc/tenant.members?input=${encodeURIComponent(JSON.stringify(DEMO))}`,
      );
      const members: Member[] = (await response.json()).result.data;
      return members.find((member) => member.name === 'Bob')?.teamId;
    };
    await expect.poll(bobsTeam).toBe(chosen);
    await admin.reload();
    expect(await team.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text)).toBe(other);
    await admin.goto('/t/demo/pulse');
  });

  it('lets an admin write a question, put it first and keep it the only active one', async () => {
    const questions = admin.getByTestId('pulse-questions');
    await admin.getByRole('button', { name: 'Add question' }).waitFor();
    await admin.getByLabel('Question', { exact: true }).fill(QUESTION);
    await admin.getByText(`${QUESTION.length} / 200 characters`).waitFor();
    await admin.getByLabel('Agreement, 1–5').check();
    await admin.getByRole('button', { name: 'Add question' }).click();
    await questions.getByText(QUESTION).waitFor();

    const otherActive = admin.getByRole('button', {
      name: new RegExp(`^Deactivate “(?!${escapeRegExp(QUESTION)})`),
    });
    while ((await otherActive.count()) > 0) {
      const before = await otherActive.count();
      await otherActive.first().click();
      await expect.poll(() => otherActive.count()).toBe(before - 1);
    }

    // Up, by keyboard, until it is first: the focus stays on the question being moved.
    const place = () =>
      questions.getByRole('listitem').filter({ hasText: QUESTION }).locator('span').first().textContent();
    const focused = (button: Locator) => button.evaluate((element) => element === document.activeElement);
    const up = admin.getByRole('button', { name: `Move “${QUESTION}” up` });
    const down = admin.getByRole('button', { name: `Move “${QUESTION}” down` });
    await up.focus();
    for (let from = Number(await place()); from > 1; from -= 1) {
      await admin.keyboard.press('Enter');
      await expect.poll(place).toBe(String(from - 1));
      // At the top, Up is disabled and Down takes the focus.
      await expect.poll(() => focused(from - 1 > 1 ? up : down)).toBe(true);
    }
    expect(await questions.locator('li').first().textContent()).toContain(QUESTION);
  });

  it(`lets the admin plan one cohort, everyone, on ${sendDay}s at 09:00 UTC, with groups of 3`, async () => {
    const schedule = admin.getByRole('region', { name: 'Schedule' });
    await schedule.getByLabel('Send check-ins').check();
    await schedule.getByLabel('Time zone').selectOption('UTC');
    await schedule.getByLabel('Time of day', { exact: true }).fill('09:00');
    await schedule.getByLabel('Cohort 1', { exact: true }).fill('Everyone');
    while ((await schedule.getByLabel(/^Cohort \d+$/).count()) > 1) {
      await schedule.getByRole('button', { name: /^Remove cohort 2/ }).click();
    }
    for (const day of WEEKDAY_NAMES) {
      await schedule
        .getByLabel(`Cohort asked on ${day}`)
        .selectOption({ label: day === sendDay ? 'Everyone' : 'Nobody' });
    }
    await schedule.getByLabel('Smallest group shown').fill('3');
    await schedule.getByRole('button', { name: 'Save schedule' }).click();
    await schedule.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await screenshot(admin, 'pulse-admin-desktop');
    expect(await accessibilityProblems(admin)).toEqual([]);
  });

  it('opens the dashboard and the member’s page before anyone is invited', async () => {
    await admin.getByRole('link', { name: 'Results' }).click();
    await admin.getByRole('heading', { name: 'Pulse results' }).waitFor();
    await results().getByText('Not asked yet').waitFor();

    alice = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signIn(alice, 'alice@demo.test', '/t/demo');
    await alice.locator('[data-connection="live"]').waitFor();
    await alice.getByRole('switch', { name: 'Email me check-ins' }).waitFor();
    expect(await alice.getByText(QUESTION).count()).toBe(0);
  });

  it('shows the member the check-in as the scheduled minute comes, and takes one tap', async () => {
    await stage.api.process.setClock(sendAt);
    const card = alice.getByTestId('pulse-card');
    await card.getByText(QUESTION).waitFor({ timeout: LIVE_MS });
    await card.getByText('Your answer is stored without your name').waitFor();
    await screenshot(alice, 'pulse-card-phone');
    expect(await accessibilityProblems(alice)).toEqual([]);

    await card.getByRole('button', { name: 'Agree (4 of 5)' }).click();
    await card
      .getByRole('status')
      .filter({ hasText: /Thank you|Answer recorded/ })
      .waitFor();
    expect(await card.getByText(QUESTION).count()).toBe(0);
  });

  it('tells the dashboard live how many more answers it needs', async () => {
    await results()
      .getByText(/This round: Week \d+/)
      .waitFor({ timeout: LIVE_MS });
    await headline().getByText('needs 2 more answers').waitFor({ timeout: LIVE_MS });
  });

  it('takes an answer from the link in the email, in a browser that never signed in', async () => {
    // The demo's own unanswered check-ins may be emailed first.
    let mail = await smtp.nextMessageTo('bob@demo.test', { timeoutMs: MAIL_MS });
    while (!mail.text.includes(QUESTION))
      mail = await smtp.nextMessageTo('bob@demo.test', { timeoutMs: MAIL_MS });
    const link = mail.links
      .map((address) => new URL(address))
      .find((url) => url.searchParams.get('score') === '5');
    expect(link?.pathname).toMatch(/^\/pulse\/r\/[\w-]+$/);
    const address = `${link?.pathname}${link?.search}`;

    const signedOut = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    // A score off the question's scale is refused and leaves the link working.
    await signedOut.goto(address.replace('score=5', 'score=9'));
    await signedOut.getByRole('heading', { name: 'This link has no answer in it' }).waitFor();
    await signedOut.goto(address);
    await signedOut.getByRole('heading', { name: 'Thank you, your answer is in' }).waitFor();
    const recorded = signedOut.getByTestId('pulse-recorded');
    expect(await recorded.textContent()).toContain(QUESTION);
    expect(await recorded.textContent()).toContain('Strongly agree (5 of 5)');
    expect(await recorded.textContent()).toContain('Demo Org');
    await screenshot(signedOut, 'pulse-link-phone');
    expect(await accessibilityProblems(signedOut)).toEqual([]);

    await signedOut.goto(address);
    await signedOut.getByRole('heading', { name: 'This check-in was already answered' }).waitFor();
    await headline().getByText('needs 1 more answer').waitFor({ timeout: LIVE_MS });
  });

  it('shows the figures live once three answered, and exports them', async () => {
    const moderator = await signInByApi(stage.api.url, 'mod@demo.test');
    const pending = await queryAs<PulsePending>(stage.api.url, 'pulse.pending', DEMO, moderator);
    const checkin = pending.checkins.find((candidate) => candidate.question.text === QUESTION);
    await mutate(
      stage.api.url,
      'pulse.respond',
      { ...DEMO, invitationId: checkin?.invitationId, score: 3 },
      moderator,
    );

    const answers = headline().locator('div').filter({ hasText: 'Answers' });
    await expect.poll(() => answers.locator('dd').first().textContent(), { timeout: LIVE_MS }).toBe('3');
    const mean = headline().locator('div').filter({ hasText: 'Mean' });
    expect(await mean.locator('dd').first().textContent()).toBe('4.0');
    const bars = results().getByRole('list', { name: 'Answers by score' });
    for (const label of ['Neutral', 'Agree', 'Strongly agree']) {
      expect(
        await bars
          .locator('li')
          .filter({ hasText: new RegExp(`^${label}1 · 33%$`) })
          .count(),
      ).toBe(1);
    }
    await results().locator('canvas').waitFor();
    await results().scrollIntoViewIfNeeded();
    await screenshot(admin, 'pulse-results-desktop');
    expect(await accessibilityProblems(admin)).toEqual([]);

    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
  });

  it('lets the member turn email invitations off, and keeps it so', async () => {
    const emails: Locator = alice.getByRole('switch', { name: 'Email me check-ins' });
    await alice.reload();
    await emails.uncheck();
    // Disabled until the server answered.
    await expect.poll(() => emails.isEnabled()).toBe(true);
    expect(await emails.isChecked()).toBe(false);
    await alice.reload();
    await emails.waitFor();
    expect(await emails.isChecked()).toBe(false);
  });
});
