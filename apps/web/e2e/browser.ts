/**
 * A real API process serving the built web app, and Debian's Chromium driven by playwright-core.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiProcess, killAllProcesses, TcpProxy } from '@pulsestage/api/test-processes';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../screenshots', import.meta.url));
export const DEMO_PASSWORD = 'demo-password';

/** Live updates arrive within a fraction of a second; this bound only keeps a failure from hanging. */
const ACTION_TIMEOUT_MS = 10_000;

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1440, height: 900 },
} as const;

/** Chromium as this machine runs it: headless, no sandbox (root), no calls home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Stage {
  api: ApiProcess;
  browser: Browser;
  /** A forwarder in front of the API whose connections a test can cut, like a phone losing its network. */
  flakyNetwork: TcpProxy;
  flakyUrl: string;
  close(): Promise<void>;
}

/** Starts the embedded default (SQLite, demo data) on a scratch directory, and Chromium. */
export async function startStage(): Promise<Stage> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulsestage-e2e-'));
  const api = await ApiProcess.start({ name: 'api', env: { DATA_DIR: dataDir, WEB_DIST } });
  const flakyNetwork = await TcpProxy.start('127.0.0.1', api.port);
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    api,
    browser,
    flakyNetwork,
    flakyUrl: `http://127.0.0.1:${flakyNetwork.port}`,
    async close() {
      await browser.close();
      await flakyNetwork.close();
      await api.stop();
      killAllProcesses();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser window of its own (own cookies), at a phone's or a laptop's size. */
export async function openWindow(
  browser: Browser,
  baseURL: string,
  viewport: keyof typeof VIEWPORTS,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: VIEWPORTS[viewport],
    deviceScaleFactor: 1,
    isMobile: viewport === 'phone',
    hasTouch: viewport === 'phone',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return context;
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, email: string, next = '/'): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === next);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}
