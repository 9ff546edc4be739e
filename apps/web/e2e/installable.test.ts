/**
 * PulseStage on a phone's home screen: a manifest the browser accepts, icons of the sizes it declares,
 * and a service worker that opens the participant page without a network and says it is offline, while
 * the API's answers always come from the network.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  DEMO_MEETING,
  openWindow,
  recordCspRefusals,
  type Stage,
  screenshot,
  signInToMeeting,
  startStage,
} from './browser';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

interface Manifest {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  icons: ManifestIcon[];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const API_PATH = /^\/(trpc|events|healthz|readyz|metrics)(\/|$)/;

/** The `href` of the page's `<link rel="…">`. */
function linkedHref(html: string, rel: string): string {
  const link = html.match(new RegExp(`<link rel="${rel}" href="([^"]+)"`));
  if (!link?.[1]) throw new Error(`the page links no ${rel}`);
  return link[1];
}

/** A PNG's width×height, read from its header (the IHDR chunk follows the signature). */
async function pngSize(baseUrl: string, path: string): Promise<string> {
  const response = await fetch(new URL(path, baseUrl));
  expect(response.headers.get('content-type'), path).toBe('image/png');
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${path} is a PNG`).toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

describe('installing PulseStage on a phone', () => {
  let stage: Stage;
  let context: BrowserContext;
  let page: Page;
  const violations: string[] = [];
  const apiResponses: { path: string; fromServiceWorker: boolean }[] = [];

  beforeAll(async () => {
    stage = await startStage();
    context = await openWindow(stage.browser, stage.api.url, 'phone');
    recordCspRefusals(context, violations);
    context.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (API_PATH.test(path)) apiResponses.push({ path, fromServiceWorker: response.fromServiceWorker() });
    });
    page = await context.newPage();
  });
  afterAll(() => stage?.close());

  const banner = () => page.getByRole('status').filter({ hasText: "You're offline" });

  it('links a manifest to open it standalone, with icons of the sizes it declares', async () => {
    const html = await (await fetch(stage.api.url)).text();
    const manifestResponse = await fetch(new URL(linkedHref(html, 'manifest'), stage.api.url));
    expect(manifestResponse.headers.get('content-type')).toBe('application/manifest+json');
    const manifest = (await manifestResponse.json()) as Manifest;
    expect(manifest).toMatchObject({
      name: 'PulseStage',
      short_name: 'PulseStage',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: '#0f172a',
    });
    const sizes = manifest.icons.map((icon) => icon.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(manifest.icons.some((icon) => icon.purpose?.split(' ').includes('maskable'))).toBe(true);
    for (const icon of manifest.icons) {
      expect(icon.type, icon.src).toBe('image/png');
      expect(await pngSize(stage.api.url, icon.src), icon.src).toBe(icon.sizes);
    }
    expect(await pngSize(stage.api.url, linkedHref(html, 'apple-touch-icon'))).toBe('180x180');
  });

  it('has its manifest accepted and its service worker activated on the participant page', async () => {
    await signInToMeeting(page, 'alice@demo.test');
    await page.getByRole('heading', { name: DEMO_MEETING }).waitFor();
    const worker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { script: registration.active?.scriptURL, state: registration.active?.state };
    });
    expect(worker).toEqual({ script: `${stage.api.url}/sw.js`, state: 'activated' });

    const devtools = await context.newCDPSession(page);
    const { errors } = await devtools.send('Page.getAppManifest');
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('says so when the network is gone, and still opens the participant page from the worker', async () => {
    await page.locator('[data-connection="live"]').waitFor();
    await context.setOffline(true);
    await banner().waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);

    // Opened anew, as from the home screen: a reloaded document does not see Chromium's emulated offline
    // state in navigator.onLine, a new one does.
    const path = new URL(page.url()).pathname;
    await page.close();
    page = await context.newPage();
    const shell = await page.goto(path);
    expect(shell?.fromServiceWorker()).toBe(true);
    await banner().waitFor();
    expect(await page.getByTestId('loading-frame').count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'participant-offline-phone');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('clears the offline word and goes live again once the network is back', async () => {
    await context.setOffline(false);
    await banner().waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: DEMO_MEETING }).waitFor();
    await page.locator('[data-connection="live"]').waitFor();
    expect(await page.getByLabel('Ask a question').isEnabled()).toBe(true);
    expect(violations).toEqual([]);
  });

  it('keeps the newest page as its shell, letting go of the files of an older version', async () => {
    const storedPaths = () =>
      page.evaluate(async () => {
        const paths: string[] = [];
        for (const name of await caches.keys()) {
          const requests = await (await caches.open(name)).keys();
          paths.push(...requests.map((request) => new URL(request.url).pathname));
        }
        return paths.sort();
      });
    const current = (await storedPaths()).filter((path) => path.startsWith('/assets/'));
    expect(current.length).toBeGreaterThan(0);
    // What an installed app holds from the release before: its shell and one of its scripts.
    await page.evaluate(async () => {
      const [name] = await caches.keys();
      if (!name) throw new Error('the worker stored nothing');
      const cache = await caches.open(name);
      await cache.put('/assets/index-0ld3r.js', new Response('the older release'));
      await cache.put(
        '/',
        new Response('<!doctype html><p>the older release</p>', { headers: { 'content-type': 'text/html' } }),
      );
    });
    expect(await storedPaths()).toContain('/assets/index-0ld3r.js');

    await page.reload();
    await page.getByRole('heading', { name: DEMO_MEETING }).waitFor();
    await expect
      .poll(storedPaths, { timeout: 20_000, interval: 100 })
      .not.toContain('/assets/index-0ld3r.js');
    const shell = await (await fetch(stage.api.url)).text();
    // The page that arrived is the shell the app opens with offline from now on.
    expect(await page.evaluate(async () => (await caches.match('/', { ignoreVary: true }))?.text())).toBe(
      shell,
    );
    const named = current.filter((path) => shell.includes(path));
    expect(named.length).toBeGreaterThan(0);
    expect(await storedPaths()).toEqual(expect.arrayContaining(named));
  });

  it('never answers the API from the worker, nor keeps its answers', async () => {
    expect(apiResponses.length).toBeGreaterThan(0);
    expect(apiResponses.filter((response) => response.fromServiceWorker)).toEqual([]);
    const stored = await page.evaluate(async () => {
      const paths: string[] = [];
      for (const name of await caches.keys()) {
        const requests = await (await caches.open(name)).keys();
        paths.push(...requests.map((request) => new URL(request.url).pathname));
      }
      return paths;
    });
    expect(stored).toContain('/');
    expect(stored.filter((path) => API_PATH.test(path))).toEqual([]);
  });
});
