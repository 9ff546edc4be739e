/**
 * What organizers meet when something goes wrong or a click was a mistake: failures in plain words
 * that clear once they no longer apply, Undo for what can be taken back, a confirmation for what
 * cannot, and the admin page on a phone once a secret is shown.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  meetingPath,
  openWindow,
  type Stage,
  signIn,
  signInToMeeting,
  startStage,
} from './browser';

/** Calls the API as the person signed in on `page`, the way the web app does. */
async function call(page: Page, procedure: string, input: object, kind: 'query' | 'mutation') {
  const response =
    kind === 'query'
      ? await page.request.get(`/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`)
      : await page.request.post(`/trpc/${procedure}`, { data: input });
  expect(response.ok(), `${procedure}: ${await response.text()}`).toBe(true);
  return (await response.json()).result.data;
}

describe('organizers: plain failures, undo and confirmations', () => {
  let stage: Stage;
  let moderator: Page;
  let participant: Page;
  let owner: Page;
  /** The demo's running meeting, which every question call names. */
  let where: { tenant: string; meetingId: string };

  beforeAll(async () => {
    stage = await startStage();
    // The moderator works through a network the test can cut.
    moderator = await (await openWindow(stage.browser, stage.flakyUrl, 'desktop')).newPage();
    const consolePath = await signInToMeeting(moderator, 'mod@demo.test', 'moderate');
    where = { tenant: 'demo', meetingId: consolePath.split('/')[4] ?? '' };
    await moderator.locator('[data-connection="live"]').waitFor();
    participant = await (await openWindow(stage.browser, stage.flakyUrl, 'phone')).newPage();
    await signInToMeeting(participant, 'alice@demo.test');
    owner = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
  }, 90_000);
  afterAll(() => stage?.close());

  const freezeButton = () => moderator.getByRole('button', { name: /Pause questions|Questions paused/ });
  const toast = () => moderator.getByTestId('undo-toast');

  it("says plainly that PulseStage can't be reached when a moderator action fails, until it can", async () => {
    stage.flakyNetwork.accepting = false;
    stage.flakyNetwork.cut();
    await freezeButton().click();
    const notice = moderator.getByRole('alert').filter({ hasText: "Can't reach PulseStage" });
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      "Can't reach PulseStage. Check your connection; we'll keep trying.",
    );
    expect(await moderator.getByText('Failed to fetch').count()).toBe(0);
    expect(await freezeButton().getAttribute('aria-pressed')).toBe('false');

    stage.flakyNetwork.accepting = true;
    await notice.waitFor({ state: 'detached' });
    await moderator.locator('[data-connection="live"]').waitFor();
  });

  it("tells a participant whose question could not be sent, in words, and clears it once it's back", async () => {
    const question = 'Will the summer schedule change?';
    await participant.getByLabel('Ask a question').fill(question);
    stage.flakyNetwork.accepting = false;
    stage.flakyNetwork.cut();
    await participant.getByRole('button', { name: 'Send' }).click();
    const notice = participant.getByRole('alert').filter({ hasText: "Can't reach PulseStage" });
    await notice.waitFor();
    expect(await participant.getByText('Failed to fetch').count()).toBe(0);

    stage.flakyNetwork.accepting = true;
    await notice.waitFor({ state: 'detached' });
    await participant.getByRole('button', { name: 'Send' }).click();
    await participant.getByText('Your question is in the queue').waitFor();
  });

  it('puts back an upvote the network lost, says why, and clears that once PulseStage answers', async () => {
    const vote = participant.locator('[data-testid="vote"]:not([disabled])').first();
    const before = await vote.getAttribute('aria-pressed');
    stage.flakyNetwork.accepting = false;
    stage.flakyNetwork.cut();
    await vote.click();
    const notice = participant.getByRole('alert').filter({ hasText: "Can't reach PulseStage" });
    await notice.waitFor();
    expect(await vote.getAttribute('aria-pressed')).toBe(before);

    stage.flakyNetwork.accepting = true;
    await notice.waitFor({ state: 'detached' });
  });

  it('pauses at once and takes it back with Undo, or with z', async () => {
    // The console shows the queue's state from its stream, which the cut above sent reconnecting.
    await moderator.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await freezeButton().click();
    await moderator.getByRole('button', { name: /Questions paused/ }).waitFor();
    await toast().getByText('Questions paused').waitFor();
    expect(await accessibilityProblems(moderator)).toEqual([]);
    await toast().getByRole('button', { name: /Undo/ }).click();
    await moderator.getByRole('button', { name: /^Pause questions/ }).waitFor();
    await toast().getByText('Undone: questions paused').waitFor();

    await moderator.keyboard.press('f');
    await moderator.getByRole('button', { name: /Questions paused/ }).waitFor();
    await moderator.keyboard.press('z');
    await moderator.getByRole('button', { name: /^Pause questions/ }).waitFor();
  });

  it('holds a first answer back while it can be undone, then sends it', async () => {
    await moderator.keyboard.press('j');
    const selected = moderator.locator('article[aria-current="true"]');
    const questionId = (await selected.getAttribute('data-question-id')) ?? '';
    const answer = async (text: string) => {
      await moderator.keyboard.press('a');
      await moderator.keyboard.press('Control+a');
      await moderator.keyboard.type(text);
      await moderator.keyboard.press('Control+Enter');
      await toast().getByText('Sending the answer').waitFor();
    };
    const stored = () => call(moderator, 'question.get', { ...where, questionId }, 'query');

    await answer('Not this one.');
    await toast().getByRole('button', { name: /Undo/ }).click();
    await toast().getByText('Undone: sending the answer').waitFor();
    // Another action settles whatever was held back; an undone answer must stay unsent.
    await moderator.locator('body').click({ position: { x: 5, y: 5 } });
    await moderator.keyboard.press('f');
    await moderator.getByRole('button', { name: /Questions paused/ }).waitFor();
    expect(await stored()).toMatchObject({ status: 'OPEN', responseText: null });
    await moderator.keyboard.press('z');
    await moderator.getByRole('button', { name: /^Pause questions/ }).waitFor();

    await answer('Yes, on Friday.');
    await expect
      .poll(stored, { timeout: 15_000 })
      .toMatchObject({ status: 'ANSWERED', responseText: 'Yes, on Friday.' });
  });

  it('still sends a held answer when the console is closed before the undo window ends', async () => {
    const closing = await moderator.context().newPage();
    await closing.goto(await meetingPath(closing, 'moderate'));
    await closing.locator('[data-connection="live"]').waitFor();
    await closing.keyboard.press('j');
    const selected = closing.locator('article[aria-current="true"]');
    const questionId = (await selected.getAttribute('data-question-id')) ?? '';
    await closing.keyboard.press('a');
    await closing.keyboard.type('Sent on the way out.');
    await closing.keyboard.press('Control+Enter');
    await closing.getByTestId('undo-toast').getByText('Sending the answer').waitFor();
    await closing.close();
    await expect
      .poll(() => call(moderator, 'question.get', { ...where, questionId }, 'query'), {
        timeout: 15_000,
      })
      .toMatchObject({ status: 'ANSWERED', responseText: 'Sent on the way out.' });
  });

  it('asks before rejecting a question, which cannot be undone', async () => {
    await call(owner, 'tenant.updateSettings', { tenant: 'demo', requireApproval: true }, 'mutation');
    const held = 'Could this one be rejected, please?';
    await call(owner, 'question.submit', { ...where, body: held }, 'mutation');
    await moderator.getByRole('button', { name: /^Review/ }).click();
    const card = moderator.locator('article', { hasText: held });
    await card.click();
    await card.getByRole('button', { name: 'Reject' }).click();
    await card.getByText('Rejecting removes this question for good.').waitFor();
    await card.getByRole('button', { name: 'Cancel' }).click();
    expect(await card.getByText('Rejecting removes').count()).toBe(0);

    await card.getByRole('button', { name: 'Reject' }).click();
    await card.getByRole('button', { name: 'Reject' }).click();
    await card.waitFor({ state: 'detached' });
    await call(owner, 'tenant.updateSettings', { tenant: 'demo', requireApproval: false }, 'mutation');
  });

  it('names settings by their labels when they are refused, until a save succeeds', async () => {
    await owner.getByLabel('Shortest question').fill('300');
    await owner.getByLabel('Longest question').fill('100');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    const refusal = owner.getByRole('alert').filter({ hasText: 'must not be greater than' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'The shortest question must not be greater than the longest question',
    );
    await owner.getByLabel('Shortest question').fill('1');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByText('Saved').waitFor();
    await refusal.waitFor({ state: 'detached' });
  });

  it('asks before revoking a link, and keeps the phone admin page within the screen', async () => {
    await owner.getByRole('button', { name: 'New display link' }).click();
    await owner.getByTestId('shown-once').waitFor();
    await owner.getByLabel('Token name').fill('Slack bot');
    await owner.getByRole('button', { name: 'Create token' }).click();
    await owner.getByTestId('shown-once').nth(1).waitFor();

    const width = await owner.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(width.document).toBeLessThanOrEqual(width.viewport);
    for (const button of await owner.getByRole('button', { name: /^(Copy|Revoke)$/ }).all()) {
      const box = await button.boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(width.viewport);
    }

    const row = owner.locator('li', { hasText: 'Display link' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText(/goes offline at once/).waitFor();
    await row.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
  });
});
