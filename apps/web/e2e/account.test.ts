/**
 * The browsers signed in to an account, seen and signed out from any of them; and an admin removing
 * the guests already in when guests are turned off.
 */
import { mutate, signIn as signInByApi } from '@pulsestage/test-harness/accounts';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  joinPathFromAdminPage,
  openWindow,
  type Stage,
  signIn,
  startStage,
} from './browser';

describe('your sessions', () => {
  let stage: Stage;
  const windows: BrowserContext[] = [];

  const open = async (size: 'phone' | 'desktop') => {
    const context = await openWindow(stage.browser, stage.api.url, size);
    windows.push(context);
    return context.newPage();
  };
  const sessionRows = (page: Page) => page.getByTestId('session');
  const onSignInPage = (page: Page) => page.waitForURL((url) => url.pathname === '/sign-in');

  beforeAll(async () => {
    stage = await startStage();
  });
  afterAll(async () => {
    for (const context of windows) await context.close();
    await stage?.close();
  });

  it('lists both browsers, ends the other from the first, and the other is signed out on its next action', async () => {
    const laptop = await open('desktop');
    const phone = await open('phone');
    await signIn(laptop, 'alice@demo.test', '/t/demo');
    await signIn(phone, 'alice@demo.test', '/t/demo');

    await phone.getByRole('link', { name: 'Account' }).click();
    await phone.getByRole('heading', { name: 'Your sessions' }).waitFor();
    await laptop.goto('/account');
    await laptop.getByRole('heading', { name: 'Your sessions' }).waitFor();
    expect(await sessionRows(laptop).count()).toBe(2);
    const here = sessionRows(laptop).filter({ hasText: 'This device' });
    expect(await here.count()).toBe(1);
    expect(await here.textContent()).toMatch(/Chrome on Linux/);
    expect(await accessibilityProblems(phone)).toEqual([]);

    await sessionRows(laptop)
      .filter({ hasNotText: 'This device' })
      .getByRole('button', { name: /Sign out/ })
      .click();
    await laptop.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length === 1);
    expect(await sessionRows(laptop).first().textContent()).toContain('This device');

    // The phone still shows both sessions; its next action finds it signed out.
    expect(await sessionRows(phone).count()).toBe(2);
    await sessionRows(phone)
      .filter({ hasNotText: 'This device' })
      .getByRole('button', { name: /Sign out/ })
      .click();
    await onSignInPage(phone);
    await laptop.reload();
    await laptop.getByRole('heading', { name: 'Your sessions' }).waitFor();
    expect(await sessionRows(laptop).count()).toBe(1);
  });

  it('signs out everywhere after asking, landing on the sign-in page, and every other browser with it', async () => {
    const laptop = await open('desktop');
    const phone = await open('phone');
    await signIn(laptop, 'bob@demo.test', '/account');
    await signIn(phone, 'bob@demo.test', '/t/demo');

    await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
    const question = laptop.getByRole('group', { name: 'Sign out everywhere?' });
    expect(await question.textContent()).toContain('Every browser signed in to your account is signed out');
    await question.getByRole('button', { name: 'Sign out everywhere' }).click();
    await onSignInPage(laptop);

    await phone.reload();
    await onSignInPage(phone);
    await laptop.goto('/account');
    await onSignInPage(laptop);
  });
});

describe('removing the guests already in', () => {
  let stage: Stage;
  let owner: Page;

  beforeAll(async () => {
    stage = await startStage();
    owner = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
  });
  afterAll(() => stage?.close());

  it('offers it once guests are turned off, with their count, and removes them after asking', async () => {
    const ownerCookie = await signInByApi(stage.api.url, 'owner@demo.test');
    await mutate(stage.api.url, 'tenant.updateSettings', { tenant: 'demo', allowGuests: true }, ownerCookie);
    const code = (await joinPathFromAdminPage(owner)).split('/').at(-1);
    for (const name of ['Guest Ann', 'Guest Ben']) {
      const joined = await fetch(`${stage.api.url}/trpc/auth.joinWithCode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, name }),
      });
      expect(joined.status).toBe(200);
    }
    await owner.reload();
    const members = owner.locator('section', { has: owner.getByRole('heading', { name: /^Members/ }) });
    await members.getByText('Guest Ben', { exact: true }).waitFor();
    const offer = owner.getByRole('button', { name: 'Also remove the 2 guests already in' });
    expect(await offer.count()).toBe(0);

    await owner.getByLabel(/Allow guests/).setChecked(false);
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await offer.click();
    const question = owner.getByRole('group', { name: 'Also remove the 2 guests already in?' });
    expect(await question.textContent()).toContain('The 2 guests lose access at once; their questions stay');
    await question.getByRole('button', { name: 'Also remove the 2 guests already in' }).click();
    await owner.getByRole('status').filter({ hasText: 'Removed 2 guests' }).waitFor();
    await members.getByText('Guest Ben', { exact: true }).waitFor({ state: 'detached' });
    expect(await members.getByText('Alice', { exact: true }).count()).toBe(1);
  });
});
