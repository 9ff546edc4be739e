/**
 * What a newcomer does first, in a fresh browser: open the home page, sign in or sign up, and create
 * an organization; and what someone who only attends sees there.
 */

import { DEMO_PASSWORD } from '@pulsestage/test-harness/accounts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems, openWindow, type Stage, signIn, startStage, submitSignUp } from './browser';

describe('a newcomer on the home page', () => {
  let stage: Stage;

  beforeAll(async () => {
    stage = await startStage();
  });
  afterAll(() => stage?.close());

  /** A fresh browser on `/`, sent to the sign-in page because nobody is signed in. */
  const freshAtHome = async (): Promise<Page> => {
    const page = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    return page;
  };

  const landsOnOrganizations = async (page: Page) => {
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  };

  it("says PulseStage can't be reached while its API cannot be, and goes on by itself once it can", async () => {
    const page = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    const unreachable = '**/trpc/**';
    await page.route(unreachable, (route) => route.abort('connectionrefused'));
    await page.goto('/');
    const notice = page.getByRole('alert');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      "Can't reach PulseStage. Check your connection; we'll keep trying.",
    );

    await page.unroute(unreachable);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 40_000 });
  });

  it('lands on their organizations at the first sign-in typed in', async () => {
    const page = await freshAtHome();
    await page.getByLabel('Email').fill('alice@demo.test');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await landsOnOrganizations(page);
    expect(await page.getByRole('link', { name: /Demo Org/ }).count()).toBe(1);
  });

  it('lands on their organizations at the first click on a demo account', async () => {
    const page = await freshAtHome();
    await page.getByRole('button', { name: /bob@demo\.test/ }).click();
    await landsOnOrganizations(page);
    expect(await page.getByRole('link', { name: /Demo Org/ }).count()).toBe(1);
  });

  const signUpFromHome = async (name: string, email: string): Promise<Page> => {
    const page = await freshAtHome();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await submitSignUp(page, { name, email });
    await landsOnOrganizations(page);
    return page;
  };

  it('lands on the home page at the first sign-up', async () => {
    const page = await signUpFromHome('Nora Newcomer', 'nora@example.test');
    await page.getByText('You are not in any organization yet').waitFor();
  });

  it('creates an organization at an address made from its name, then shows its first steps', async () => {
    const page = await signUpFromHome('Olga Organizer', 'olga@example.test');
    await page.getByRole('heading', { name: 'Create an organization' }).waitFor();
    await page.getByLabel('Name').fill('Spring Town Hall');
    const address = page.getByLabel(/^Address/);
    expect(await address.inputValue()).toBe('spring-town-hall');

    await address.fill('-spring-');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'The address may contain only letters, digits and inner hyphens',
    );

    await address.fill('demo');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await refusal.filter({ hasText: 'The address "demo" is already taken' }).waitFor();

    await address.fill('spring-town-hall');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL('**/t/spring-town-hall/admin?welcome');
    const steps = page.getByRole('region', { name: /three steps before the first session/ });
    await steps.waitFor();
    expect(await steps.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Invite people with the join link'),
      expect.stringContaining('Open the display on the screen in the room'),
      expect.stringContaining('Add a moderator'),
    ]);
    await steps.getByRole('link', { name: 'Open the presenter display' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await steps.getByRole('button', { name: 'Hide these steps' }).click();
    await steps.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
  });

  it('offers people who only attend their organizations first, and a new one only folded away', async () => {
    const attendee = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signIn(attendee, 'alice@demo.test');
    await landsOnOrganizations(attendee);
    expect(await attendee.getByRole('heading', { name: 'Create an organization' }).count()).toBe(0);
    expect(await attendee.getByLabel('Name').isVisible()).toBe(false);
    await attendee.getByText('Organizing an event of your own?').click();
    expect(await attendee.getByLabel('Name').isVisible()).toBe(true);
  });
});
