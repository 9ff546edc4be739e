/**
 * Content safety as people meet it: an admin lists a restricted word, a participant who uses it is told
 * only that the question awaits review, and the moderator finds it waiting.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWindow, type Stage, signIn, signInToMeeting, startStage } from './browser';

const questionCard = (page: Page, body: string): Locator => page.locator('article', { hasText: body });

describe('content safety', () => {
  let stage: Stage;
  let owner: Page;
  let alice: Page;
  let moderator: Page;

  beforeAll(async () => {
    stage = await startStage();
    owner = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
    alice = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signInToMeeting(alice, 'alice@demo.test');
    moderator = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signInToMeeting(moderator, 'mod@demo.test', 'moderate');
  }, 90_000);
  afterAll(() => stage?.close());

  const save = () => owner.getByRole('button', { name: 'Save safety settings' }).click();

  it('lets an admin keep restricted words and embedding sites, naming an entry it refuses', async () => {
    await owner.getByLabel('Restricted words').fill('moonshot, Project   Falcon\nmoonshot');
    await owner.getByText('3 / 500 words').waitFor();
    await owner.getByLabel('Sites that may embed the presenter display').fill('http://intranet.example.com');
    await save();
    const refusal = owner.getByRole('alert').filter({ hasText: 'http://intranet.example.com' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'The site "http://intranet.example.com" must be an origin like https://intranet.example.com',
    );

    await owner.getByLabel('Sites that may embed the presenter display').fill('https://intranet.example.com');
    await save();
    await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await refusal.waitFor({ state: 'detached' });
    // As stored: the repeated word gone, the phrase's spacing tidied.
    expect(await owner.getByLabel('Restricted words').inputValue()).toBe('moonshot\nProject Falcon');
    await owner.getByText('2 / 500 words').waitFor();
  });

  it('holds a question with a restricted word for review, telling its author only that it awaits approval', async () => {
    const body = 'When does the MOONSHOT team present its plan?';
    await alice.getByLabel('Ask a question').fill(body);
    await alice.getByRole('button', { name: 'Send' }).click();
    const notice = alice.getByRole('status').filter({ hasText: 'Thanks!' });
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      'Thanks! Your question will appear once a moderator approves it.',
    );
    expect(await alice.getByText(/restricted|filter|flagged|profan/i).count()).toBe(0);

    await moderator.getByRole('button', { name: /^Review/ }).click();
    await questionCard(moderator, body).getByText('Awaiting review').waitFor();
    expect(await alice.getByRole('list', { name: 'Questions' }).getByText(body).count()).toBe(0);
  });
});
