/**
 * How the app reaches a phone: compressed, cached for good when fingerprinted, and on a slow network
 * the product's frame at once instead of a white page while the scripts arrive, and a page's loading
 * state instead of the last page while its own script arrives.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_MEETING,
  openWindow,
  recordCspRefusals,
  type Stage,
  screenshot,
  signIn,
  startStage,
} from './browser';

describe('delivering the web app', () => {
  let stage: Stage;
  beforeAll(async () => {
    stage = await startStage();
  });
  afterAll(() => stage?.close());

  /** Holds back the scripts whose path matches until `release` is called, as a slow network would. */
  async function holdBack(page: Page, scripts: RegExp): Promise<() => void> {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(scripts, async (route) => {
      await released;
      await route.continue();
    });
    return release;
  }

  it('shows the frame while the scripts are still on their way, and the page once they arrive', async () => {
    const page = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    // The scripts wait, the way they would on a slow network, until the frame has been checked.
    const release = await holdBack(page, /\/assets\/[^/]+\.js$/);
    await page.goto('/sign-in', { waitUntil: 'commit' });
    const frame = page.getByTestId('loading-frame');
    await frame.waitFor();
    expect(await frame.getByRole('status').textContent()).toBe('Loading PulseStage…');
    await screenshot(page, 'loading-frame-phone');

    release();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await frame.count()).toBe(0);
    await page.context().close();
  });

  it('shows the frame in the theme chosen in the app, before any script of the app has arrived', async () => {
    const context = await openWindow(stage.browser, stage.api.url, 'phone');
    const refused: string[] = [];
    recordCspRefusals(context, refused);
    // Chosen on an earlier visit, on a phone whose system is light.
    await context.addInitScript(() => localStorage.setItem('pulsestage.theme', 'dark'));
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    const release = await holdBack(page, /\/assets\/[^/]+\.js$/);
    await page.goto('/sign-in', { waitUntil: 'commit' });
    const frame = page.getByTestId('loading-frame');
    await frame.waitFor();
    expect(await frame.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(
      'rgb(2, 6, 24)',
    );
    await screenshot(page, 'loading-frame-dark-phone');

    release();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(refused).toEqual([]);
    await context.close();
  });

  it('shows that the next page is loading while its script arrives, not the last page to type into', async () => {
    const page = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const release = await holdBack(page, /\/assets\/sign-up-[^/]+\.js$/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Loading…$/ })
      .waitFor();
    expect(await page.getByLabel('Email').isVisible()).toBe(false);

    release();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.context().close();
  });

  it('keeps the header and its live connection while a page of the organization loads', async () => {
    const page = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    // Only links from here on: a page the service worker answered would fetch its scripts out of reach.
    await signIn(page, 'mod@demo.test', '/t/demo');
    await page.getByRole('link', { name: DEMO_MEETING }).click();
    const ask = page.getByLabel('Ask a question');
    await ask.waitFor();
    await page.locator('[data-connection="live"]').waitFor();
    const release = await holdBack(page, /\/assets\/moderate-[^/]+\.js$/);
    await page.getByRole('link', { name: 'Moderate', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Loading…$/ })
      .waitFor();
    expect(await ask.isVisible()).toBe(false);
    expect(await page.locator('[data-connection="live"]').count()).toBe(1);

    release();
    await page.getByRole('heading', { name: 'Moderation' }).waitFor();
    expect(await page.locator('[data-connection="live"]').count()).toBe(1);
    await page.context().close();
  });

  it('sends scripts and styles compressed and cached for a year, and the page revalidated', async () => {
    const page = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    const assets: { url: string; encoding?: string; cache?: string; bytes: number }[] = [];
    page.on('response', (response) => {
      if (!new URL(response.url()).pathname.startsWith('/assets/')) return;
      const headers = response.headers();
      assets.push({
        url: response.url(),
        encoding: headers['content-encoding'],
        cache: headers['cache-control'],
        bytes: Number(headers['content-length']),
      });
    });
    const document = await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(document?.headers()['cache-control']).toBe('no-cache');
    expect(document?.headers().etag).toBeTruthy();
    expect(document?.headers()['content-encoding']).toBe('br');
    expect(assets.length).toBeGreaterThan(1);
    for (const asset of assets) {
      // Files under a kilobyte are not worth compressing.
      if (asset.bytes >= 1024) expect(asset.encoding, asset.url).toBe('br');
      expect(asset.cache, asset.url).toBe('public, max-age=31536000, immutable');
    }
    await page.context().close();
  });
});
