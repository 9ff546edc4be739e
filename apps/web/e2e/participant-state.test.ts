/**
 * What a participant's page remembers and keeps current: tab, filters and sort across a reload and
 * Back, times that move on, a notice that goes, their own questions from every device and their
 * fate, and nothing of a signed-out session on Back.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingPath, openWindow, type Stage, signIn, signInToMeeting, startStage } from './browser';

const questionCard = (page: Page, body: string): Locator => page.locator('article', { hasText: body });
/** A tab by its name, with the count some tabs show after it. */
const tab = (page: Page, name: string) =>
  page.getByRole('button', { name: new RegExp(`^${name}\\s*(\\(\\d+\\))?$`) });
/** That tab, once it is the one shown. */
const pressedTab = (page: Page, name: string) => tab(page, name).and(page.locator('[aria-pressed="true"]'));

/** Picks a tab and waits until the page shows it: until then, the list below is still the last tab's. */
async function showTab(page: Page, name: string): Promise<void> {
  await tab(page, name).click();
  await pressedTab(page, name).waitFor();
}

async function ask(page: Page, body: string): Promise<void> {
  await page.getByLabel('Ask a question').fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('status').filter({ hasText: 'Thanks!' }).waitFor();
}

/**
 * Picks the Answered tab and the newest-first sort in one go, before the page renders the first: a
 * busy phone does that to a quick thumb, and neither choice may undo the other.
 */
async function chooseAnsweredNewestAtOnce(page: Page): Promise<void> {
  const answered = await tab(page, 'Answered').elementHandle();
  const sort = await page.getByLabel('Sort').elementHandle();
  await page.evaluate(
    ([answered, sort]) => {
      if (!(answered instanceof HTMLElement) || !(sort instanceof HTMLSelectElement)) {
        throw new Error('the page has no Answered tab or Sort');
      }
      answered.click();
      sort.value = 'newest';
      sort.dispatchEvent(new Event('change', { bubbles: true }));
    },
    [answered, sort],
  );
}

/** The tab, sort and search the page shows. */
async function shownState(page: Page) {
  return {
    answered: await tab(page, 'Answered').getAttribute('aria-pressed'),
    sort: await page.getByLabel('Sort').inputValue(),
    search: await page.getByLabel('Search questions').inputValue(),
  };
}

describe('the participant page keeps its state and stays current', () => {
  let stage: Stage;
  let alice: Page;
  /** The demo's running meeting's participant page. */
  let meeting = '';

  beforeAll(async () => {
    stage = await startStage();
    alice = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    meeting = await signInToMeeting(alice, 'alice@demo.test');
  });
  afterAll(() => stage?.close());

  it('keeps tab, sort and search in the address, through a reload and Back', async () => {
    await alice.goto(meeting);
    await tab(alice, 'Answered').waitFor();
    await chooseAnsweredNewestAtOnce(alice);
    await alice.getByLabel('Search questions').fill('roadmap');
    await alice.waitForURL((url) => url.searchParams.get('q') === 'roadmap');
    const url = new URL(alice.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ tab: 'answered', sort: 'newest', q: 'roadmap' });
    const expected = { answered: 'true', sort: 'newest', search: 'roadmap' };

    await alice.reload();
    await pressedTab(alice, 'Answered').waitFor();
    expect(await shownState(alice)).toEqual(expected);

    await alice.getByRole('link', { name: 'Present' }).click();
    await alice.waitForURL(`**${meeting}/present`);
    await alice.goBack();
    await pressedTab(alice, 'Answered').waitFor();
    expect(await shownState(alice)).toEqual(expected);
    expect(new URL(alice.url()).search).toBe(url.search);
  });

  it('keeps the moderator console on its tab and sort through a reload', async () => {
    const moderator = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signInToMeeting(moderator, 'mod@demo.test', 'moderate');
    await showTab(moderator, 'Answered');
    await moderator.getByLabel('Sort').selectOption('newest');
    await moderator.waitForURL((url) => url.searchParams.get('sort') === 'newest');
    await moderator.reload();
    await pressedTab(moderator, 'Answered').waitFor();
    expect(await moderator.getByLabel('Sort').inputValue()).toBe('newest');
    await moderator.context().close();
  });

  it('moves "now" on as time passes, and lets the thank-you notice go', async () => {
    await alice.goto(`${meeting}?sort=newest`);
    const body = 'Does the time next to this question move on?';
    await ask(alice, body);
    const time = questionCard(alice, body).locator('time').first();
    await expect.poll(() => time.textContent(), { timeout: 5000 }).toMatch(/seconds? ago/);

    // The next keystroke clears it at once; left alone, it goes by itself.
    await alice.getByLabel('Ask a question').fill('A');
    expect(await alice.getByRole('status').filter({ hasText: 'Thanks!' }).count()).toBe(0);
    await ask(alice, 'Will this notice go by itself?');
    await alice
      .getByRole('status')
      .filter({ hasText: 'Thanks!' })
      .waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('shows questions asked on another device in Mine once it is looked at again', async () => {
    await alice.goto(`${meeting}?tab=mine`);
    await pressedTab(alice, 'Mine').waitFor();
    const phone = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signInToMeeting(phone, 'alice@demo.test');
    const elsewhere = 'Asked from my other phone: is the cafeteria open late?';
    await ask(phone, elsewhere);
    await phone.context().close();

    // The browser tab regains focus.
    await alice.evaluate(() => window.dispatchEvent(new Event('visibilitychange')));
    await questionCard(alice, elsewhere).waitFor();
    await questionCard(alice, elsewhere).getByText('Yours').waitFor();
  });

  it('tells the author when a moderator rejects their question, and nobody else sees it', async () => {
    const owner = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
    const approval = async (on: boolean) => {
      await owner.goto('/t/demo/admin');
      await owner.getByLabel(/Review questions first/).setChecked(on);
      await owner.getByRole('button', { name: 'Save settings' }).click();
      await owner.getByText('Saved').waitFor();
    };
    await approval(true);
    try {
      const body = 'Could we name the new meeting rooms after moderators?';
      await alice.goto(meeting);
      await ask(alice, body);
      await showTab(alice, 'Mine');
      await questionCard(alice, body).getByText('Awaiting review').waitFor();

      await owner.goto(`${await meetingPath(owner, 'moderate')}?tab=review`);
      const waiting = questionCard(owner, body);
      await waiting.click();
      await waiting.getByRole('button', { name: 'Reject' }).click();
      await waiting.getByRole('button', { name: 'Reject' }).click();
      await waiting.waitFor({ state: 'detached' });

      await showTab(alice, 'Open');
      await showTab(alice, 'Mine');
      const rejected = questionCard(alice, body);
      await rejected.getByText('Not published by the moderators').waitFor();
      expect(await rejected.getByText('Awaiting review').count()).toBe(0);
      expect(await rejected.getByText(/owner|Olivia|mod@/i).count()).toBe(0);

      await showTab(alice, 'Open');
      await alice.getByRole('list', { name: 'Questions' }).waitFor();
      expect(await questionCard(alice, body).count()).toBe(0);
    } finally {
      await approval(false);
      await owner.context().close();
    }
  });

  it('lets the author reword and withdraw their own open question', async () => {
    await alice.goto(meeting);
    const body = 'Can we move the all-hands to mornings';
    const reworded = 'Can we move the all-hands to Tuesday mornings?';
    await ask(alice, body);
    const card = questionCard(alice, body);
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.getByLabel('Your question').fill(reworded);
    await card.getByRole('button', { name: 'Save' }).click();
    const edited = questionCard(alice, reworded);
    await edited.getByTestId('edited').waitFor();

    await edited.getByRole('button', { name: 'Withdraw' }).click();
    await edited.getByText('Withdrawing deletes your question and its votes.').waitFor();
    await edited.getByRole('button', { name: 'Withdraw' }).click();
    await edited.waitFor({ state: 'detached' });
    // Nothing of it stays with its author either, not even as rejected.
    await showTab(alice, 'Mine');
    await expect.poll(() => questionCard(alice, reworded).count()).toBe(0);
  });

  it('does not show the moderator console on Back after signing out', async () => {
    const moderator = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    const console = `${meeting}/moderate`;
    await signInToMeeting(moderator, 'mod@demo.test');
    await moderator.getByRole('link', { name: 'Moderate' }).click();
    await moderator.getByRole('heading', { name: 'Moderation' }).waitFor();
    await moderator.getByRole('button', { name: 'Sign out' }).click();
    await moderator.waitForURL((url) => url.pathname === '/sign-in');

    // Every address Back passes through, before anything could redirect.
    const visited: string[] = [];
    moderator.on('framenavigated', (frame) => {
      if (frame === moderator.mainFrame()) visited.push(new URL(frame.url()).pathname);
    });
    await moderator.goBack();
    await moderator.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(visited).not.toContain(console);
    expect(await moderator.getByRole('heading', { name: 'Moderation' }).count()).toBe(0);
    await moderator.context().close();
  });
});
