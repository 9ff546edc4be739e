/**
 * Duplicates as people meet them: someone typing a question is shown the one already asked and upvotes
 * it instead, and a moderator on a phone merges a duplicate that got through into the question it repeats.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  openWindow,
  type Stage,
  screenshot,
  signInToMeeting,
  startStage,
} from './browser';

const LIVE = { timeout: 30_000, interval: 100 };

const questionCard = (page: Page, body: string): Locator =>
  page.locator('article', { has: page.getByText(body, { exact: true }) });

/** The unread count on the bell in the page's header; no badge is none. */
async function unreadOnBell(page: Page): Promise<number> {
  const badge = page.getByTestId('notification-badge');
  return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
}

const countIn = async (scope: Locator): Promise<number> =>
  Number((await scope.getByTestId('vote-count').first().textContent())?.match(/\d+/)?.[0]);

/** Readable and labelled in both themes, with a screenshot of each to look at. */
async function expectAccessibleInBothThemes(page: Page, shown: Locator, name: string): Promise<void> {
  await shown.scrollIntoViewIfNeeded();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await accessibilityProblems(page), colorScheme).toEqual([]);
    await screenshot(page, `${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function ask(page: Page, body: string): Promise<void> {
  await page.getByLabel('Ask a question').fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('status').filter({ hasText: 'Thanks!' }).waitFor();
}

describe('similar questions and merging duplicates', () => {
  let stage: Stage;
  let alice: Page;
  let bob: Page;
  let owner: Page;
  let moderator: Page;

  beforeAll(async () => {
    stage = await startStage();
    const open = async (email: string, size: 'phone' | 'desktop', sub: '' | 'moderate' = '') => {
      const page = await (await openWindow(stage.browser, stage.api.url, size)).newPage();
      await signInToMeeting(page, email, sub);
      return page;
    };
    alice = await open('alice@demo.test', 'phone');
    bob = await open('bob@demo.test', 'phone');
    owner = await open('owner@demo.test', 'desktop');
    moderator = await open('mod@demo.test', 'phone', 'moderate');
  }, 120_000);
  afterAll(() => stage?.close());

  it('shows the question already asked while someone types, and upvotes it from there', async () => {
    const asked = 'Will the rooftop garden reopen after the renovation?';
    await ask(bob, asked);
    await questionCard(alice, asked).waitFor();

    const box = alice.getByLabel('Ask a question');
    const send = alice.getByRole('button', { name: 'Send' });
    /** Where Send sits under the box, whatever the page's scroll. */
    const sendOffset = async () => ((await send.boundingBox())?.y ?? 0) - ((await box.boundingBox())?.y ?? 0);
    const before = await sendOffset();
    await box.pressSequentially('When is the rooftop garden reopening', { delay: 20 });
    const suggestions = alice.getByTestId('similar-questions');
    const suggestion = suggestions.locator('li', { hasText: asked });
    await suggestion.waitFor();
    expect(await suggestions.getByRole('heading').textContent()).toBe('Already asked? Upvote it instead');
    // The suggestions open below the Send button: it stays where the thumb is.
    expect(await sendOffset()).toBe(before);
    await expectAccessibleInBothThemes(alice, suggestions, 'similar-suggestions-phone');

    expect(await countIn(suggestion)).toBe(0);
    await suggestion.getByTestId('vote').click();
    await expect.poll(() => countIn(suggestion), LIVE).toBe(1);
    expect(await suggestion.getByTestId('vote').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => countIn(questionCard(bob, asked)), LIVE).toBe(1);
    await expect.poll(() => countIn(questionCard(alice, asked)), LIVE).toBe(1);

    await alice.getByLabel('Ask a question').fill('rooftop');
    await suggestions.waitFor({ state: 'detached' });
  });

  const target = 'Will the parking garage get chargers for electric cars?';
  const duplicate = 'Any plans for electric car chargers in the parking garage?';

  it('merges a duplicate: it vanishes live, the votes combine, and its author sees where it went and is notified', async () => {
    await ask(owner, target);
    await ask(bob, duplicate);
    await questionCard(alice, duplicate).getByTestId('vote').click();
    await expect.poll(() => countIn(questionCard(alice, duplicate)), LIVE).toBe(1);
    const unreadBefore = await unreadOnBell(bob);

    await questionCard(moderator, duplicate).click();
    await questionCard(moderator, duplicate).getByRole('button', { name: 'Merge…' }).click();
    const picker = moderator.getByTestId('merge-picker');
    const choice = picker.locator('li', { hasText: target });
    await choice.waitFor();
    await expectAccessibleInBothThemes(moderator, picker, 'merge-picker-phone');
    await choice.getByRole('button', { name: 'Merge into this' }).click();
    const confirmation = choice.getByRole('group', { name: 'Merge into this?' });
    expect(await confirmation.textContent()).toContain('disappears for everyone');
    await confirmation.getByRole('button', { name: 'Merge into this' }).click();

    await expect.poll(() => questionCard(alice, duplicate).count(), LIVE).toBe(0);
    await expect.poll(() => questionCard(moderator, duplicate).count(), LIVE).toBe(0);
    // Alice's upvote and Bob's own question both count for the target now.
    await expect.poll(() => countIn(questionCard(alice, target)), LIVE).toBe(2);
    await expect.poll(() => countIn(questionCard(moderator, target)), LIVE).toBe(2);

    await bob.getByRole('button', { name: /^Mine/ }).click();
    const merged = questionCard(bob, duplicate);
    await merged.getByText('Merged into a similar question').waitFor(LIVE);
    const link = merged.getByTestId('merged-into').getByRole('link', { name: `“${target}”` });
    await link.click();
    await questionCard(bob, target).waitFor();
    expect(await countIn(questionCard(bob, target))).toBe(2);

    await expect.poll(() => unreadOnBell(bob), LIVE).toBe(unreadBefore + 1);
    await bob.getByRole('button', { name: /^Notifications/ }).click();
    const entry = bob.locator('[data-testid="notification"][data-kind="merged"]', { hasText: target });
    await entry.waitFor(LIVE);
    expect(await entry.textContent()).toContain('New: your question was merged into a similar one');
    await expectAccessibleInBothThemes(bob, entry, 'notification-merged-phone');
    await entry.getByRole('link').click();
    await questionCard(bob, target).waitFor();
    await expect.poll(() => unreadOnBell(bob), LIVE).toBe(unreadBefore);
  });

  it('leads the merged question to its target on the Answered tab once the target is answered', async () => {
    await bob.getByRole('button', { name: /^Mine/ }).click();
    const link = questionCard(bob, duplicate).getByTestId('merged-into').getByRole('link');
    await link.waitFor();
    await questionCard(moderator, target).click();
    await questionCard(moderator, target)
      .getByRole('button', { name: /^Answered live/ })
      .click();

    await expect
      .poll(
        async () => new URL(`${await link.getAttribute('href')}`, bob.url()).searchParams.get('tab'),
        LIVE,
      )
      .toBe('answered');
    await link.click();
    await bob.getByRole('button', { name: 'Answered', exact: true, pressed: true }).waitFor();
    await questionCard(bob, target).getByText('Answered live').waitFor();
  });
});
