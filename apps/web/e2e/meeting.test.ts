/**
 * A whole meeting in Chromium, as the people in it live it: a moderator schedules it, it opens by
 * itself, participants join by its code and by the display's QR link (one as a guest), ask and vote;
 * moderators edit, hide, restore and answer live while the display follows with presence and the
 * presenter keys; it closes by itself into an archive, and its export and analytics are there after.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems, openWindow, type Stage, screenshot, signIn, startStage } from './browser';

const TITLE = 'Spring town hall';
const ALICE_ASKS = 'Will the new office open before the summer?';
const ALICE_EDITED = 'Will the new Lisbon office open before the summer?';
const GUEST_NAME = 'Visiting Grace';
const GUEST_ASKS = 'Can guests watch the recording afterwards?';
/** How long a scheduled change may take to show: its due time, plus the scheduler's second and the stream. */
const SCHEDULE_MS = 30_000;

/**
 * `seconds` from now as a `datetime-local` input holds it (with seconds), in the browser's time zone,
 * which is the one the form reads it in.
 */
const localTimeIn = (page: Page, seconds: number) =>
  page.evaluate((offset) => {
    const at = new Date(Date.now() + offset * 1000);
    const pad = (value: number) => String(value).padStart(2, '0');
    const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
    return `${day}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  }, seconds);

const group = (page: Page, name: string) => page.getByRole('region', { name: new RegExp(`^${name}`) });
const card = (scope: Locator | Page, title: string) => scope.getByTestId('meeting-card').filter({ hasText: title });
/** A question on a participant's page or the console, by the text it shows. */
const question = (page: Page, text: string) => page.locator('article[data-question-id]').filter({ hasText: text });

describe('a meeting from its schedule to its archive', () => {
  let stage: Stage;
  let moderator: Page;
  let display: Page;
  let alice: Page;
  let guest: Page;
  let meetingPath = '';
  let code = '';

  beforeAll(async () => {
    stage = await startStage();
    moderator = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(moderator, 'mod@demo.test', '/t/demo');
  });
  afterAll(() => stage?.close());

  it('lets a moderator schedule a meeting, checking the form as they type', async () => {
    await moderator.getByRole('button', { name: 'New meeting' }).click();
    const form = moderator.getByRole('form', { name: 'New meeting' });
    await form.getByLabel(/^Title/).fill(TITLE);
    await form.getByLabel(/^Description/).fill('Questions for the leadership team, any topic.');
    await form.getByLabel(/^Opens at/).fill(await localTimeIn(moderator, 600));
    await form.getByLabel(/^Closes at/).fill(await localTimeIn(moderator, 300));
    await form.getByText('The meeting must close after it opens.').waitFor();
    expect(await form.getByLabel(/^Closes at/).getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel(/^Title/).fill('');
    await form.getByText('Give the meeting a title.').waitFor();
    await form.getByLabel(/^Title/).fill(TITLE);
    await form.getByLabel('Allow guests with the code').selectOption('on');
    await form.getByLabel(/^Opens at/).fill(await localTimeIn(moderator, 8));
    await form.getByLabel(/^Closes at/).fill(await localTimeIn(moderator, 3600));
    expect(await form.getByText('The meeting must close after it opens.').count()).toBe(0);
    await screenshot(moderator, 'meeting-form-desktop');
    expect(await accessibilityProblems(moderator)).toEqual([]);
    await form.getByRole('button', { name: 'Create meeting' }).click();

    const scheduled = card(group(moderator, 'Upcoming'), TITLE);
    await scheduled.getByText('Scheduled', { exact: true }).waitFor();
    code = ((await scheduled.getByTitle('Join code').textContent()) ?? '').replace('#', '');
    expect(code).toMatch(/^\d{6}$/);
    meetingPath = (await scheduled.getByRole('link', { name: TITLE }).getAttribute('href')) ?? '';
    expect(meetingPath).toMatch(/^\/t\/demo\/m\/[\w-]+$/);
  });

  it('opens the meeting by itself at its time, and the meetings home follows', async () => {
    await card(group(moderator, 'Open now'), TITLE).getByText('Open', { exact: true }).waitFor({ timeout: SCHEDULE_MS });
    expect(await card(group(moderator, 'Upcoming'), TITLE).count()).toBe(0);
    await screenshot(moderator, 'meetings-home-desktop');
    expect(await accessibilityProblems(moderator)).toEqual([]);
  });

  it('shows the join code and a QR link on the display', async () => {
    display = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(display, 'owner@demo.test', `${meetingPath}/present`);
    expect(await display.getByTestId('join-code').textContent()).toBe(`#${code}`);
  });

  it('brings a member in by the code typed into the box', async () => {
    alice = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signIn(alice, 'alice@demo.test', '/');
    await alice.getByLabel('Have a code?').fill(`# ${code}`);
    await alice.getByRole('button', { name: 'Join', exact: true }).click();
    await alice.waitForURL(`**${meetingPath}`);
    await alice.getByLabel('Ask a question').fill(ALICE_ASKS);
    await alice.getByRole('button', { name: 'Send' }).click();
    await alice.getByText('Your question is in the queue').waitFor();
  });

  it('brings a guest in by the QR link, with just a name', async () => {
    const address = (await display.getByTestId('join-address').textContent()) ?? '';
    const joinPath = new URL(`http://${address}`).pathname;
    expect(joinPath).toBe(`/j/${code}`);
    guest = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await guest.goto(joinPath);
    await guest.getByRole('heading', { name: TITLE }).waitFor();
    await screenshot(guest, 'join-meeting-phone');
    expect(await accessibilityProblems(guest)).toEqual([]);
    await guest.getByLabel('Your name').fill(GUEST_NAME);
    await guest.getByRole('button', { name: 'Join as a guest' }).click();
    await guest.waitForURL(`**${meetingPath}`);
    await guest.getByLabel('Ask a question').fill(GUEST_ASKS);
    await guest.getByRole('button', { name: 'Send' }).click();
    await guest.getByText('Your question is in the queue').waitFor();
    await question(guest, ALICE_ASKS).getByTestId('vote').click();
    await expect.poll(() => question(alice, ALICE_ASKS).getByTestId('vote').textContent()).toContain('1');
  });
});
