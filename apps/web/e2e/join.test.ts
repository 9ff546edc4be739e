/**
 * Joining an organization from its join link, as a new account and as a guest, in a real browser.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinPathFromAdminPage,
  meetingPath,
  openWindow,
  type Stage,
  signIn,
  startStage,
  submitSignUp,
} from './browser';

describe('joining with a join link', () => {
  let stage: Stage;
  let owner: Page;
  let joinPath: string;

  beforeAll(async () => {
    stage = await startStage();
    owner = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
    joinPath = await joinPathFromAdminPage(owner);
    expect(joinPath).toMatch(/^\/join\/\w{8,}$/);
  });
  afterAll(() => stage?.close());

  const newcomer = async () => (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();

  it('signs a new person up from the link and brings them into the organization', async () => {
    const page = await newcomer();
    await page.goto(joinPath);
    await page.getByRole('heading', { name: 'Join Demo Org' }).waitFor();
    expect(await page.getByText('Join as a guest').count()).toBe(0);
    await page.getByRole('link', { name: 'Create account' }).click();
    await submitSignUp(page, { name: 'Dana Newcomer', email: 'dana@example.test' });
    await page.getByRole('button', { name: 'Join as Dana Newcomer' }).click();
    // The organization's meetings; the running one takes questions.
    await page.waitForURL('**/t/demo');
    await page.goto(await meetingPath(page));
    await page.getByLabel('Ask a question').fill('Where do newcomers find the onboarding plan?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Your question is in the queue').waitFor();
  });

  it('lets a guest in with just a name once the organization allows guests', async () => {
    await owner.getByLabel(/Allow guests/).setChecked(true);
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByText('Saved').waitFor();
    const page = await newcomer();
    await page.goto(joinPath);
    await page.getByLabel('Your name').fill('Visiting Guest');
    await page.getByRole('button', { name: 'Join as a guest' }).click();
    await page.waitForURL('**/t/demo');
    await page.goto(await meetingPath(page));
    await page.locator('[data-connection="live"]').waitFor();
    expect(await page.getByLabel('Ask a question').isEnabled()).toBe(true);
  });

  it('says so when a link does not work', async () => {
    const page = await newcomer();
    await page.goto('/join/not-a-real-code');
    await page.getByRole('heading', { name: 'This invitation does not work' }).waitFor();
    expect(await page.getByText(/not valid or has been revoked/).count()).toBe(1);
  });
});
