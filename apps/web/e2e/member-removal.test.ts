/**
 * Removing a member keeps them out, join links included, until an admin lets them back in.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinPathFromAdminPage, openWindow, type Stage, signIn, startStage } from './browser';

describe('removing a member', () => {
  let stage: Stage;
  let owner: Page;
  let bob: Page;
  let joinPath: string;

  beforeAll(async () => {
    stage = await startStage();
    owner = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
    joinPath = await joinPathFromAdminPage(owner);
    bob = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signIn(bob, 'bob@demo.test', '/t/demo');
  });
  afterAll(() => stage?.close());

  it('asks first, refuses a rejoin by link until the admin lets them back in, then lets them rejoin', async () => {
    const members = owner.locator('section', { has: owner.getByRole('heading', { name: /^Members/ }) });
    const bobsRow = members.locator('li', { hasText: 'bob@demo.test' });
    await bobsRow.getByRole('button', { name: 'Remove' }).click();
    const question = bobsRow.getByRole('group', { name: 'Remove?' });
    expect(await question.textContent()).toContain(
      'Bob loses access at once and cannot rejoin, not even with a join link, until you let them back in.',
    );
    await question.getByRole('button', { name: 'Remove' }).click();
    const removed = owner.getByRole('region', { name: /Removed/ });
    await removed.getByText('bob@demo.test').waitFor();
    await bobsRow.waitFor({ state: 'detached' });

    await bob.goto(joinPath);
    await bob.getByRole('button', { name: 'Join as Bob' }).click();
    await bob.getByText('An admin removed you from Demo Org; ask them to let you back in').waitFor();
    expect(bob.url()).toContain(joinPath);

    await removed.getByRole('button', { name: 'Let Bob back in' }).click();
    await removed.waitFor({ state: 'detached' });
    await bob.getByRole('button', { name: 'Join as Bob' }).click();
    await bob.waitForURL('**/t/demo');
    await bob.locator('[data-connection="live"]').waitFor();
  });
});
