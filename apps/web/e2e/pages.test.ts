/** The participant route's JavaScript budget, compressed as sent (what a phone downloads to be live). */
const PARTICIPANT_JS_BUDGET = 150 * 1024;

/**
 * Every page at a phone's and a laptop's size: it renders its heading without a script error, and a
 * screenshot is saved in apps/web/screenshots/ (the README shows the best of them).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  meetingPath,
  openWindow,
  type Stage,
  screenshot,
  signIn,
  startStage,
  VIEWPORTS,
} from './browser';

describe.each(Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[])('every page on a %s', (size) => {
  let stage: Stage;
  let anonymous: Page;
  let owner: Page;
  const errors: string[] = [];
  const accessibility: string[] = [];

  beforeAll(async () => {
    stage = await startStage();
    const watch = (page: Page) => page.on('pageerror', (error) => errors.push(String(error)));
    anonymous = await (await openWindow(stage.browser, stage.api.url, size)).newPage();
    owner = await (await openWindow(stage.browser, stage.api.url, size)).newPage();
    watch(anonymous);
    watch(owner);
    await signIn(owner, 'owner@demo.test');
  });
  afterAll(() => stage?.close());

  const shoot = async (
    page: Page,
    path: string,
    heading: string | RegExp,
    name: string,
    ready?: (page: Page) => Promise<void>,
  ) => {
    await page.goto(path);
    await page.getByRole('heading', { name: heading }).first().waitFor();
    await page.locator('[data-connection="live"], form, main').first().waitFor();
    await ready?.(page);
    await screenshot(page, `${name}-${size}`);
    accessibility.push(...(await accessibilityProblems(page)).map((problem) => `${path}: ${problem}`));
  };

  it('renders the sign-in page with the demo accounts', async () => {
    await shoot(anonymous, '/sign-in', 'Sign in', 'sign-in');
    expect(await anonymous.getByRole('heading', { name: 'Demo accounts' }).count()).toBe(1);
    expect(await anonymous.getByText('alice@demo.test').count()).toBe(1);
  });

  it('renders the sign-up page', async () => {
    await shoot(anonymous, '/sign-up', 'Create your account', 'sign-up');
  });

  it('renders the join page for a join link', async () => {
    const response = await owner.request.get(
      `/trpc/tenant.joinCode?input=${encodeURIComponent(JSON.stringify({ tenant: 'demo' }))}`,
    );
    const { code } = (await response.json()).result.data as { code: string };
    await shoot(anonymous, `/join/${code}`, 'Join Demo Org', 'join');
  });

  it('renders the list of organizations', async () => {
    await shoot(owner, '/', 'Your organizations', 'home');
    expect(await owner.getByRole('link', { name: /Demo Org/ }).count()).toBe(1);
  });

  it('renders the meetings home: open, upcoming and past', async () => {
    await shoot(owner, '/t/demo', 'December all-hands', 'meetings');
    for (const title of ['Q1 kickoff', 'November all-hands']) await owner.getByText(title).first().waitFor();
  });

  it('renders the participant page of the running meeting, live', async () => {
    await shoot(owner, await meetingPath(owner), 'December all-hands', 'participant');
    await owner.locator('[data-connection="live"]').waitFor();
    expect(await owner.locator('article').count()).toBeGreaterThan(5);
  });

  it('renders a past meeting as its archive, with its answers', async () => {
    await shoot(owner, await meetingPath(owner, '', 'November all-hands'), 'November all-hands', 'archive');
    await owner.getByTestId('meeting-ended').waitFor();
    await owner.getByTestId('answer').first().waitFor();
    expect(await owner.getByLabel('Ask a question').count()).toBe(0);
  });

  it('renders an upcoming meeting with when it opens', async () => {
    await shoot(owner, await meetingPath(owner, '', 'Q1 kickoff'), 'Q1 kickoff', 'upcoming');
    await owner.getByTestId('meeting-scheduled').waitFor();
  });

  it('renders the moderator console', async () => {
    await shoot(owner, await meetingPath(owner, 'moderate'), 'Moderation', 'moderate');
    await owner.keyboard.press('j');
    await owner.locator('article[aria-current="true"]').waitFor();
    await screenshot(owner, `moderate-selected-${size}`);
  });

  it('renders the presenter display', async () => {
    await shoot(owner, await meetingPath(owner, 'present'), 'December all-hands', 'present');
    await owner.getByTestId('join-qr').waitFor();
  });

  it('renders the admin page', async () => {
    await shoot(owner, '/t/demo/admin', 'Administration', 'admin');
    expect(await owner.getByText('mod@demo.test').count()).toBe(1);
  });

  it('renders the pulse questions and schedule', async () => {
    await shoot(owner, '/t/demo/pulse', 'Pulse', 'pulse-setup', (page) =>
      page.getByTestId('pulse-questions').waitFor(),
    );
    await owner.getByRole('button', { name: 'Save schedule' }).waitFor();
  });

  it('renders the pulse results with their weekly trends', async () => {
    await shoot(owner, '/t/demo/pulse/results', 'Pulse results', 'pulse-dashboard', (page) =>
      page.getByTestId('pulse-results').first().locator('canvas').waitFor(),
    );
  });

  it('renders a check-in link that does not work, for a browser that never signed in', async () => {
    await shoot(
      anonymous,
      `/pulse/r/${'x'.repeat(43)}?score=4`,
      'This check-in link does not work',
      'pulse-link',
    );
  });

  it('transfers at most 150 KB of compressed JavaScript for the participant route', async () => {
    // A window of its own, signed in as the owner, so nothing comes from the browser's cache.
    const fresh = await openWindow(stage.browser, stage.api.url, size);
    await fresh.addCookies(await owner.context().cookies());
    const page = await fresh.newPage();
    const measured: Promise<{ bytes: number; encoding: string | undefined }>[] = [];
    page.on('requestfinished', (request) => {
      if (request.resourceType() !== 'script') return;
      measured.push(
        Promise.all([request.response(), request.sizes()]).then(([response, sizes]) => ({
          bytes: sizes.responseBodySize,
          encoding: response?.headers()['content-encoding'],
        })),
      );
    });
    await page.goto(await meetingPath(page));
    await page.locator('[data-connection="live"]').waitFor();
    const scripts = await Promise.all(measured);
    const total = scripts.reduce((sum, script) => sum + script.bytes, 0);
    console.log(`participant route: ${scripts.length} scripts, ${(total / 1024).toFixed(1)} KB transferred`);
    expect(scripts.length).toBeGreaterThan(0);
    // The server leaves files under 1 KB as they are: compressing them gains nothing.
    const worthCompressing = scripts.filter((script) => script.bytes >= 1024);
    expect(worthCompressing.map((script) => script.encoding)).not.toContain(undefined);
    expect(total).toBeLessThanOrEqual(PARTICIPANT_JS_BUDGET);
    await fresh.close();
  });

  it('raised no script error on any page', () => {
    expect(errors).toEqual([]);
  });

  it('has no serious or critical WCAG 2.1 AA problem on any page (axe-core)', () => {
    expect(accessibility).toEqual([]);
  });
});
