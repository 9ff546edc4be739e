/**
 * Rate limits as people meet them: an admin sets how fast one person may ask, and someone asking faster
 * is asked kindly to slow down, told when to try again.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWindow, type Stage, signIn, signInToMeeting, startStage } from './browser';

describe('rate limits in the web app', () => {
  let stage: Stage;
  let owner: Page;
  let participant: Page;

  beforeAll(async () => {
    // The browser tests run without limits unless they ask for them.
    stage = await startStage({ RATE_LIMITS: 'on' });
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
});
