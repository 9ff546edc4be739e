/**
 * A whole meeting in Chromium, as the people in it live it: a moderator schedules it, it opens by
 * itself, participants join by its code and by the display's QR link (one as a guest), ask and vote;
 * moderators edit, hide, restore and answer live while the display follows with presence and the
 * presenter keys; it closes by itself into an archive, and its export and analytics are there after.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  openWindow,
  type Stage,
  screenshot,
  signIn,
  startStage,
  submitSignUp,
  waitForUrlUnlessRefused,
} from './browser';

const TITLE = 'Spring town hall';
const ALICE_ASKS = 'Will the new office open before the summer?';
const ALICE_EDITED = 'Will the new Lisbon office open before the summer?';
const GUEST_NAME = 'Visiting Grace';
const GUEST_ASKS = 'Can guests watch the recording afterwards?';
/** Instances share their counts every 3 seconds: a new count may take a few rounds to reach a screen. */
const PRESENCE_MS = 12_000;
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
const card = (scope: Locator | Page, title: string) =>
  scope.getByTestId('meeting-card').filter({ hasText: title });
/** A question on a participant's page or the console, by the text it shows. */
const question = (page: Page, text: string) =>
  page.locator('article[data-question-id]').filter({ hasText: text });

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
    await form.getByLabel(/^Closes at/).fill(await localTimeIn(moderator, 3600));
    expect(await form.getByText('The meeting must close after it opens.').count()).toBe(0);
    await screenshot(moderator, 'meeting-form-desktop');
    expect(await accessibilityProblems(moderator)).toEqual([]);
    // Soon enough to watch it open, late enough to see it scheduled first.
    await form.getByLabel(/^Opens at/).fill(await localTimeIn(moderator, 10));
    await form.getByRole('button', { name: 'Create meeting' }).click();

    const scheduled = card(group(moderator, 'Upcoming'), TITLE);
    await scheduled.getByTestId('meeting-state').filter({ hasText: 'Upcoming' }).waitFor();
    code = ((await scheduled.getByTitle('Join code').textContent()) ?? '').replace('#', '');
    expect(code).toMatch(/^\d{6}$/);
    meetingPath = (await scheduled.getByRole('link', { name: TITLE }).getAttribute('href')) ?? '';
    expect(meetingPath).toMatch(/^\/t\/demo\/m\/[\w-]+$/);
  });

  it('opens the meeting by itself at its time, and the meetings home follows', async () => {
    await card(group(moderator, 'Open now'), TITLE)
      .getByTestId('meeting-state')
      .filter({ hasText: 'Live' })
      .waitFor({ timeout: SCHEDULE_MS });
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

  it('counts everyone watching, on the display and the console', async () => {
    await moderator.goto(`${meetingPath}/moderate`);
    // The console, the display, Alice and the guest each watch the meeting.
    for (const screen of [display, moderator]) {
      await expect
        .poll(() => screen.getByTestId('presence').textContent(), { timeout: PRESENCE_MS })
        .toBe('4 watching');
    }
  });

  it('lets moderators edit a question, and participants see the new wording', async () => {
    await question(moderator, ALICE_ASKS).click();
    await question(moderator, ALICE_ASKS).getByRole('button', { name: 'Edit text' }).click();
    await moderator.getByLabel('Question text').fill(ALICE_EDITED);
    await moderator.getByRole('button', { name: 'Save text' }).click();
    await question(alice, ALICE_EDITED).getByTestId('edited').waitFor();
    await question(guest, ALICE_EDITED).waitFor();
  });

  it('hides a question from every screen and brings it back on restore', async () => {
    await question(moderator, GUEST_ASKS).click();
    await question(moderator, GUEST_ASKS).getByRole('button', { name: /^Hide/ }).click();
    await question(alice, GUEST_ASKS).waitFor({ state: 'detached' });
    await display.getByText(GUEST_ASKS).waitFor({ state: 'detached' });
    await moderator.getByRole('button', { name: 'Hidden', exact: true }).click();
    await question(moderator, GUEST_ASKS).click();
    await question(moderator, GUEST_ASKS).getByRole('button', { name: 'Restore' }).click();
    await question(alice, GUEST_ASKS).waitFor();
    await display.getByText(GUEST_ASKS).waitFor();
    await moderator.getByRole('button', { name: 'Open', exact: true }).click();
  });

  it('puts questions on the display with the presenter keys: next, previous, most upvoted', async () => {
    const onScreen = display.getByTestId('spotlight-body');
    await display.keyboard.press('n');
    await expect.poll(() => onScreen.textContent()).toBe(ALICE_EDITED);
    await display.keyboard.press('n');
    await expect.poll(() => onScreen.textContent()).toBe(GUEST_ASKS);
    await display.keyboard.press('p');
    await expect.poll(() => onScreen.textContent()).toBe(ALICE_EDITED);
    await display.keyboard.press('n');
    await expect.poll(() => onScreen.textContent()).toBe(GUEST_ASKS);
    await display.keyboard.press('m');
    await expect.poll(() => onScreen.textContent()).toBe(ALICE_EDITED);
    await screenshot(display, 'meeting-display-desktop');
  });

  it('marks a question answered live, without an answer to type', async () => {
    await alice.getByRole('button', { name: 'Answered', exact: true }).click();
    await alice.getByText('Nothing has been answered yet.').waitFor();
    await question(moderator, ALICE_EDITED).click();
    await question(moderator, ALICE_EDITED)
      .getByRole('button', { name: /^Answered live/ })
      .click();
    await question(alice, ALICE_EDITED).getByText('Answered live').waitFor();
    await display.getByTestId('spotlight-body').waitFor({ state: 'detached' });
  });

  it('closes the meeting by itself at its new closing time, into an archive', async () => {
    await moderator.goto('/t/demo');
    const open = card(group(moderator, 'Open now'), TITLE);
    await open.getByRole('button', { name: 'Edit' }).click();
    const form = moderator.getByRole('form', { name: 'Edit meeting' });
    await form.getByLabel(/^Closes at/).fill(await localTimeIn(moderator, 6));
    await form.getByRole('button', { name: 'Save meeting' }).click();
    await form.waitFor({ state: 'detached' });
    await card(group(moderator, 'Past'), TITLE)
      .getByTestId('meeting-state')
      .filter({ hasText: 'Ended' })
      .waitFor({ timeout: SCHEDULE_MS });
    await alice.getByTestId('meeting-ended').waitFor();
    expect(await alice.getByLabel('Ask a question').count()).toBe(0);
    await display.getByTestId('display-ended').waitFor();
  });

  it('leads an old link to a closed meeting to its archive, not an error', async () => {
    await alice.goto(`/j/${code}`);
    await alice.waitForURL(`**${meetingPath}`);
    await alice.getByTestId('meeting-ended').waitFor();
    await question(alice, ALICE_EDITED).getByText('Answered live').waitFor();
    await screenshot(alice, 'meeting-archive-phone');
  });

  it('says plainly when a code leads nowhere', async () => {
    const unknown = code === '000000' ? '000001' : '000000';
    await guest.goto(`/j/${unknown}`);
    await guest.getByText('No meeting has this code').waitFor();
    await guest.goto('/j/12345');
    await guest.getByText('is not a meeting code').waitFor();
  });

  it('signs a newcomer up from the code page and brings them to the archive', async () => {
    const newcomer = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await newcomer.goto(`/j/${code}`);
    await newcomer.getByText('This meeting has ended').waitFor();
    expect(await newcomer.getByRole('button', { name: 'Join as a guest' }).count()).toBe(0);
    await newcomer.getByRole('link', { name: 'Create account' }).click();
    await submitSignUp(newcomer, { name: 'Dana Newcomer', email: 'dana@example.test' });
    // Signing up hashes the password, slow by design; then the code page comes back, with Dana signed in.
    await waitForUrlUnlessRefused(newcomer, `**/j/${code}`);
    await newcomer.getByRole('button', { name: 'Join as Dana Newcomer' }).click();
    await newcomer.waitForURL(`**${meetingPath}`);
    await newcomer.getByTestId('meeting-ended').waitFor();
    await question(newcomer, ALICE_EDITED).getByText('Answered live').waitFor();
  }, 120_000);

  it('downloads the export, with every question and nobody who asked', async () => {
    await moderator.goto(`${meetingPath}/moderate`);
    const [download] = await Promise.all([
      moderator.waitForEvent('download'),
      moderator.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(csv).toContain(ALICE_EDITED);
    expect(csv).toContain(GUEST_ASKS);
    for (const identity of ['Alice', 'alice@demo.test', GUEST_NAME]) expect(csv).not.toContain(identity);
  });

  it('opens the analytics page', async () => {
    await moderator.getByRole('link', { name: 'See the analytics' }).click();
    await moderator.getByRole('heading', { name: `Analytics · ${TITLE}` }).waitFor();
    const figure = (label: string) =>
      moderator
        .getByTestId('analytics-figures')
        .locator('div')
        .filter({ has: moderator.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
        .locator('dd')
        .first();
    // The moderator, the display's owner, Alice, the guest and the newcomer opened it.
    expect(await figure('Participants').textContent()).toBe('5');
    expect(await figure('Questions').textContent()).toBe('2');
    expect(await figure('Upvotes').textContent()).toBe('1');
    expect(await figure('Answered').textContent()).toBe('50%');
    await moderator.getByTestId('meeting-charts').locator('canvas').first().waitFor();
  });

  it('lets only admins delete a meeting, after naming it and the questions that go with it', async () => {
    await moderator.goto('/t/demo');
    const past = card(group(moderator, 'Past'), TITLE);
    await past.getByRole('link', { name: 'Moderate' }).waitFor();
    expect(await past.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await alice.goto('/t/demo');
    await card(group(alice, 'Past'), TITLE).waitFor();
    expect(await alice.getByRole('button', { name: 'New meeting' }).count()).toBe(0);
    expect(await card(alice, TITLE).getByRole('link', { name: 'Moderate' }).count()).toBe(0);

    await display.goto('/t/demo');
    await card(display, TITLE).getByRole('button', { name: 'Delete' }).click();
    await card(display, TITLE)
      .getByText(`Delete “${TITLE}” and its 2 questions? This cannot be undone.`)
      .waitFor();
    await card(display, TITLE).getByRole('button', { name: 'Delete', exact: true }).click();
    await card(moderator, TITLE).waitFor({ state: 'detached' });
    await card(alice, TITLE).waitFor({ state: 'detached' });
  });
});
