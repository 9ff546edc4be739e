/**
 * What a newcomer does first, in a fresh browser: open the home page, sign in or sign up, and create
 * an organization; and what someone who only attends sees there.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, openWindow, type Stage, startStage } from './browser';

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

  it('lands on the home page at the first sign-up', async () => {
    const page = await freshAtHome();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Nora Newcomer');
    await page.getByLabel('Email').fill('nora@example.test');
    await page.getByLabel(/Password/).fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await landsOnOrganizations(page);
    await page.getByText('You are not in any organization yet').waitFor();
  });
});
