/**
 * Three people at once, in a real browser: a participant on a phone (behind a network we can cut),
 * a moderator at a laptop, and the presenter display opened with a display link. Every action one of
 * them takes must show on the others' screens, live.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNDO_WINDOW_MS } from '../src/components/undo-toast';
import {
  DEMO_MEETING_PAGE,
  openWindow,
  type Stage,
  screenshot,
  signIn,
  signInToMeeting,
  startStage,
} from './browser';

const LIVE_MS = 10_000;

const questionCard = (page: Page, body: string): Locator =>
  page.locator('article', { has: page.getByText(body, { exact: true }) });

const countOf = async (scope: Locator): Promise<number> =>
  Number((await scope.getByTestId('vote-count').first().textContent())?.match(/\d+/)?.[0]);

describe('live in the browser: participant, moderator and presenter display', () => {
  let stage: Stage;
  const windows: BrowserContext[] = [];
  let participant: Page;
  let moderator: Page;
  let display: Page;
  let bob: Page;
  let owner: Page;
  const asked = 'Will the new office have standing desks?';

  beforeAll(async () => {
    stage = await startStage();
    const open = async (baseUrl: string, size: 'phone' | 'desktop') => {
      const context = await openWindow(stage.browser, baseUrl, size);
      windows.push(context);
      return context.newPage();
    };

    owner = await open(stage.api.url, 'desktop');
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
    await owner.getByRole('button', { name: 'New display link' }).click();
    const displayUrl = (await owner.getByTestId('shown-once').locator('code').textContent()) ?? '';
    expect(displayUrl).toMatch(/\/display#psd_/);

    display = await open(stage.api.url, 'desktop');
    await display.goto(displayUrl);
    // The display link shows the one open meeting.
    await display.waitForURL(DEMO_MEETING_PAGE('present'));

    participant = await open(stage.flakyUrl, 'phone');
    await signInToMeeting(participant, 'alice@demo.test');
    moderator = await open(stage.api.url, 'desktop');
    await signInToMeeting(moderator, 'mod@demo.test', 'moderate');
    bob = await open(stage.api.url, 'phone');
    await signInToMeeting(bob, 'bob@demo.test');
    for (const page of [participant, moderator, display, bob]) {
      await page.locator('[data-connection="live"]').waitFor({ timeout: LIVE_MS });
    }
  }, 90_000);

  afterAll(async () => {
    for (const context of windows) await context.close();
    await stage?.close();
  });

  it('shows a submitted question on the moderator console and the display', async () => {
    await participant.getByLabel('Ask a question').fill(asked);
    await participant.getByRole('button', { name: 'Send' }).click();
    await participant.getByText('Your question is in the queue').waitFor();
    await questionCard(moderator, asked).waitFor({ timeout: LIVE_MS });
    await display.getByTestId('just-asked').getByText(asked).waitFor({ timeout: LIVE_MS });
    await expect(questionCard(participant, asked).getByText('Yours')).toBeTruthy();
  });

  it('updates an upvote on every screen', async () => {
    const bobs = 'Can we get a quiet room on every floor?';
    await bob.getByLabel('Ask a question').fill(bobs);
    await bob.getByRole('button', { name: 'Send' }).click();
    const justAsked = display.getByTestId('just-asked');
    await justAsked.getByText(bobs).waitFor();
    const card = questionCard(participant, bobs);
    const vote = card.getByTestId('vote');
    expect(await vote.getAttribute('aria-pressed')).toBe('false');
    expect(await countOf(card)).toBe(0);

    await vote.click();
    const live = { timeout: LIVE_MS };
    await expect
      .poll(() => vote.getAttribute('aria-pressed'), { ...live, message: 'the participant sees the vote' })
      .toBe('true');
    expect(await countOf(card)).toBe(1);
    await expect
      .poll(() => countOf(questionCard(moderator, bobs)), { ...live, message: 'the moderator sees 1' })
      .toBe(1);
    await expect
      .poll(() => justAsked.textContent(), { ...live, message: 'the display sees 1' })
      .toContain('▲ 1');
    await expect
      .poll(() => countOf(questionCard(bob, bobs)), { ...live, message: 'the author sees 1' })
      .toBe(1);
  });

  it('spotlights a question on the display when the moderator pins it (t)', async () => {
    await questionCard(moderator, asked).click();
    await moderator.keyboard.press('t');
    await display.getByTestId('spotlight').getByText(asked).waitFor({ timeout: LIVE_MS });
    await questionCard(participant, asked).getByText('Pinned').waitFor({ timeout: LIVE_MS });
    await screenshot(display, 'live-display-spotlight');
  });

  it('tags the selected question: the participant sees the tag, and untagging takes it away', async () => {
    const tagButton = questionCard(moderator, asked).getByRole('button', { name: 'Roadmap' });
    await tagButton.click();
    const chip = questionCard(participant, asked).getByText('Roadmap', { exact: true });
    await chip.waitFor();
    // The console learns of the tag on its own stream, which may come after the participant's.
    await questionCard(moderator, asked).getByRole('button', { name: 'Roadmap', pressed: true }).waitFor();
    await tagButton.click();
    await chip.waitFor({ state: 'detached' });
  });

  it('answers (a): the participant sees the answer and the display drops the question', async () => {
    const answer = 'Yes: every desk on the new floors is a standing desk.';
    await moderator.keyboard.press('a');
    await moderator.keyboard.type(answer);
    await moderator.keyboard.press('Control+Enter');
    await participant.getByRole('button', { name: /^Mine/ }).click();
    // A first answer waits out the moderator's undo window before it is sent.
    await questionCard(participant, asked)
      .getByTestId('answer')
      .getByText(answer)
      .waitFor({ timeout: UNDO_WINDOW_MS + LIVE_MS });
    await display.getByTestId('spotlight-empty').waitFor({ timeout: LIVE_MS });
    expect(await display.getByText(asked).count()).toBe(0);
    await screenshot(participant, 'live-participant-answered');
  });

  it('pauses (f): the participant sees the banner and cannot submit; the display shows it', async () => {
    await participant.getByRole('button', { name: /^Open/ }).click();
    await moderator.locator('body').click({ position: { x: 5, y: 5 } });
    await moderator.keyboard.press('f');
    await participant.getByTestId('frozen-banner').waitFor({ timeout: LIVE_MS });
    expect(await participant.getByLabel('Ask a question').isDisabled()).toBe(true);
    expect(await participant.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await display.getByTestId('display-frozen').waitFor({ timeout: LIVE_MS });
    await screenshot(participant, 'live-participant-frozen');
    await moderator.keyboard.press('f');
    await participant.getByTestId('frozen-banner').waitFor({ state: 'detached', timeout: LIVE_MS });
  });

  it('reopens an answered question: it is open again for participants and moderators, without its answer', async () => {
    await moderator.getByRole('button', { name: 'Answered', exact: true }).click();
    const answered = questionCard(moderator, asked);
    await answered.click();
    await answered.getByRole('button', { name: 'Reopen' }).click();
    await answered.waitFor({ state: 'detached' });
    await questionCard(participant, asked).waitFor({ timeout: LIVE_MS });
    expect(await questionCard(participant, asked).getByTestId('answer').count()).toBe(0);
    await moderator.getByRole('button', { name: /^Open/ }).click();
    await questionCard(moderator, asked).waitFor();
  });

  it('holds new questions for review when approval is on, and shows them everywhere once approved', async () => {
    const settings = async (checked: boolean) => {
      await owner.goto('/t/demo/admin');
      // The demo's meeting follows the organization's rule.
      await owner.getByLabel(/Review questions first/).setChecked(checked);
      await owner.getByRole('button', { name: 'Save settings' }).click();
      await owner.getByText('Saved').waitFor();
    };
    await settings(true);
    try {
      const held = 'Can the review queue hold this one?';
      await bob.getByLabel('Ask a question').fill(held);
      await bob.getByRole('button', { name: 'Send' }).click();
      await bob.getByText('will appear once a moderator approves it').waitFor();

      // The pending question arrives live and brings the review tab with it.
      await moderator.getByRole('button', { name: /^Review/ }).click();
      const waiting = questionCard(moderator, held);
      await waiting.getByText('Awaiting review').waitFor();
      expect(await participant.getByText(held).count()).toBe(0);
      expect(await display.getByText(held).count()).toBe(0);

      await waiting.click();
      await waiting.getByRole('button', { name: 'Approve' }).click();
      await questionCard(participant, held).waitFor();
      await display.getByTestId('just-asked').getByText(held).waitFor();
      await waiting.waitFor({ state: 'detached' });
      await moderator.getByRole('button', { name: /^Open/ }).click();
    } finally {
      await settings(false);
    }
  });

  it('shows reconnecting when the network drops, and the missed events once it is back', async () => {
    stage.flakyNetwork.accepting = false;
    stage.flakyNetwork.cut();
    await participant.locator('[data-connection="reconnecting"]').waitFor({ timeout: LIVE_MS });
    expect(await participant.getByRole('status').filter({ hasText: 'Reconnecting' }).count()).toBe(1);

    const missed = 'What happens to our hybrid days in summer?';
    await moderator.getByRole('button', { name: /^Pause questions/ }).click();
    await moderator.getByRole('button', { name: /Questions paused/ }).waitFor();
    await moderator.getByRole('button', { name: /Questions paused/ }).click();
    await bob.getByLabel('Ask a question').fill(missed);
    await bob.getByRole('button', { name: 'Send' }).click();
    await questionCard(moderator, missed).waitFor({ timeout: LIVE_MS });
    expect(await participant.getByText(missed).count()).toBe(0);

    stage.flakyNetwork.accepting = true;
    await participant.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await participant.getByText(missed).waitFor({ timeout: LIVE_MS });
    expect(await participant.getByTestId('frozen-banner').count()).toBe(0);
  }, 60_000);

  it('clears the display, saying its access ended, as soon as its link is revoked', async () => {
    await owner.reload();
    await owner.getByText('Display link', { exact: true }).waitFor();
    const row = owner.locator('li', { hasText: 'Display link' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke' }).click(); // confirms
    await display
      .getByRole('heading', { name: 'This display’s access has ended' })
      .waitFor({ timeout: LIVE_MS });
    expect(await display.locator('article').count()).toBe(0);
  });
});
