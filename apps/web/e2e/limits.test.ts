/**
 * Rate limits as people meet them: an admin sets how fast one person may ask, and someone asking faster
 * is asked kindly to slow down, told when to try again; a crowd of guests behind one address past the
 * guest cap is let in by itself once the minute is over; too many single sign-on starts from one address
 * end on the sign-in page, saying for how long.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  DEMO_MEETING,
  openWindow,
  type Stage,
  screenshot,
  signIn,
  signInToMeeting,
  startStage,
} from './browser';

describe('rate limits in the web app', () => {
  let stage: Stage;
  let owner: Page;
  let participant: Page;

  beforeAll(async () => {
    // The browser tests run without limits unless they ask for them.
    // One guest per minute (and one single sign-on start) from this machine's address stands for a
    // venue's crowd behind one address.
    stage = await startStage({
      RATE_LIMITS: 'on',
      RATE_LIMIT_GUEST_JOINS_PER_ADDRESS: '1',
      RATE_LIMIT_SSO_STARTS_PER_ADDRESS: '1',
    });
    owner = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
    participant = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signInToMeeting(participant, 'alice@demo.test');
  }, 90_000);
  afterAll(() => stage?.close());

  it('lets an admin set the pace, and asks someone faster to slow down, saying for how long', async () => {
    await owner.getByLabel('Questions per minute').fill('1');
    await owner.getByLabel('Votes per minute').fill('60');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByText('Saved').waitFor();

    const ask = async (question: string) => {
      await participant.getByLabel('Ask a question').fill(question);
      await participant.getByRole('button', { name: 'Send' }).click();
    };
    await ask('How is the new office coming along?');
    await participant.getByText('Your question is in the queue').waitFor();
    await ask('And when do we move in?');
    const notice = participant.getByRole('alert').filter({ hasText: 'Slow down a little' });
    await notice.waitFor();
    // The wait is what is left of the minute, in seconds, or "1 min" when all of it is.
    expect(await notice.textContent()).toMatch(/^Slow down a little: try again in ([1-5]?\d s|1 min)$/);
    // What was typed stays, to send once the minute is over.
    expect(await participant.getByLabel('Ask a question').inputValue()).toBe('And when do we move in?');
  });

  it('lets a guest refused for the crowd in by itself once the wait is over, asking only to keep the page open', async () => {
    await owner.getByLabel(/Allow guests/).setChecked(true);
    await Promise.all([
      owner.waitForResponse((response) => response.url().includes('tenant.updateSettings') && response.ok()),
      owner.getByRole('button', { name: 'Save settings' }).click(),
    ]);
    const list = await owner.request.get(
      `/trpc/meeting.list?input=${encodeURIComponent(JSON.stringify({ tenant: 'demo' }))}`,
    );
    const meetings: { title: string; code: string }[] = (await list.json()).result.data.items;
    const code = meetings.find((meeting) => meeting.title === DEMO_MEETING)?.code;
    const joinAsGuest = async (name: string) => {
      const page = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
      await page.goto(`/j/${code}`);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Join as a guest' }).click();
      return page;
    };
    const inMeeting = '**/t/demo/m/**';

    await (await joinAsGuest('First in the door')).waitForURL(inMeeting);
    const next = await joinAsGuest('Right behind');
    const notice = next.getByRole('status').filter({ hasText: 'Lots of people are joining right now' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(
      /let in by yourself in about ([1-5]?\d|60) s; keep this page open/,
    );
    // Nobody presses anything: once the minute is over, the page joins again and lands in the meeting.
    await next.waitForURL(inMeeting, { timeout: 90_000 });
    await next.getByLabel('Ask a question').waitFor();
  }, 150_000);

  it('sends a browser starting single sign-on too often back to the sign-in page, saying for how long', async () => {
    const page = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    // Every start counts, even of an organization without single sign-on.
    await page.goto('/auth/sso/start?tenant=demo');
    await page
      .getByRole('alert')
      .filter({ hasText: 'This organization does not offer single sign-on.' })
      .waitFor();
    await page.goto('/auth/sso/start?tenant=demo');
    await page.waitForURL((url) => url.searchParams.get('sso_error') === 'throttled');
    const notice = page.getByRole('alert').filter({ hasText: 'Too many single sign-on attempts' });
    await notice.waitFor();
    // The window is ten minutes: what is left of it, rounded up to minutes.
    expect(await notice.textContent()).toMatch(
      /^Too many single sign-on attempts from this network\. Try again in (10|[1-9]) min\.$/,
    );
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'sso-throttled-phone-dark');
  });
});
