/**
 * A real API process serving the built web app, and Debian's Chromium driven by playwright-core.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '@pulsestage/test-harness/accounts';
import { EmbeddedApi, killAllProcesses } from '@pulsestage/test-harness/process';
import { TcpProxy } from '@pulsestage/test-harness/proxy';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../screenshots', import.meta.url));

/**
 * Live updates arrive within a fraction of a second; this bound only keeps a failure from hanging, and is
 * long enough for a step that hashes a password on a loaded two-core machine running other suites.
 */
const ACTION_TIMEOUT_MS = 20_000;

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
  api: EmbeddedApi;
  browser: Browser;
  /** A forwarder in front of the API whose connections a test can cut, like a phone losing its network. */
  flakyNetwork: TcpProxy;
  flakyUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the embedded default (SQLite, demo data) on a scratch directory, and Chromium; `env` adds
 * settings (`PUBLIC_URL`, say).
 */
export async function startStage(env: Record<string, string> = {}): Promise<Stage> {
  const api = await EmbeddedApi.start({ env: { ...env, WEB_DIST } });
  const flakyNetwork = await TcpProxy.start(api.url);
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    api,
    browser,
    flakyNetwork,
    flakyUrl: flakyNetwork.url,
    async close() {
      await browser.close();
      await flakyNetwork.close();
      await api.dispose();
      killAllProcesses();
    },
  };
}

/** A browser window of its own (own cookies), at a phone's or a laptop's size, in `locale`'s language. */
export async function openWindow(
  browser: Browser,
  baseURL: string,
  viewport: keyof typeof VIEWPORTS,
  locale = 'en-US',
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale,
    viewport: VIEWPORTS[viewport],
    deviceScaleFactor: 1,
    isMobile: viewport === 'phone',
    hasTouch: viewport === 'phone',
    reducedMotion: 'reduce',
    // The tests' HTTPS is nginx with a certificate they signed themselves.
    ignoreHTTPSErrors: baseURL.startsWith('https:'),
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return context;
}

/**
 * What a browser logs when the Content-Security-Policy refuses something; csp.test's pages also log
 * their own `securitypolicyviolation` events.
 */
export const CSP_REFUSAL = /Content Security Policy|securitypolicyviolation|Refused to/;

/** Records in `refusals`, with its page, each refusal by the Content-Security-Policy the window logs. */
export function recordCspRefusals(context: BrowserContext, refusals: string[]): void {
  context.on('console', (message) => {
    if (CSP_REFUSAL.test(message.text())) refusals.push(`${message.page()?.url()}: ${message.text()}`);
  });
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, email: string, next = '/'): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === next);
}

/**
 * Fills in and sends the sign-up form, reached by a link just clicked. The link's page stays on screen
 * until the sign-up page's script has arrived, so the form is awaited first: a field of the page before
 * (a guest's "Your name") must not take what was meant for the new account.
 */
export async function submitSignUp(page: Page, person: { name: string; email: string }): Promise<void> {
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill(person.name);
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel(/^Password/).fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
}

/**
 * A bound for a form whose success hashes a password (sign-up, sign-in) before it navigates: on a loaded
 * two-core machine running the other suites, their scrypt hashes queue behind one another.
 */
const HASHING_TIMEOUT_MS = 60_000;

/**
 * Waits for a form's success to take the page to `url`; a refusal shown on the page instead fails at once
 * with its message, rather than as a navigation that never came.
 */
export async function waitForUrlUnlessRefused(page: Page, url: string): Promise<void> {
  const refusal = page.getByRole('alert');
  const refused = refusal.waitFor({ timeout: HASHING_TIMEOUT_MS }).then(async () => {
    throw new Error(`The page refused instead of going to ${url}: ${await refusal.textContent()}`);
  });
  // Whichever settles second is of no interest, nor is the alert that never came after a success.
  refused.catch(() => {});
  await Promise.race([page.waitForURL(url, { timeout: HASHING_TIMEOUT_MS }), refused]);
}

/** The path of the newest join link, read from the admin page an owner or admin has open. */
export async function joinPathFromAdminPage(admin: Page): Promise<string> {
  const link = await admin.locator('li', { hasText: 'Join link' }).locator('code').first().textContent();
  return new URL(link ?? '').pathname;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Run through the DevTools protocol: the page's Content-Security-Policy refuses an added inline script. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * What axe-core finds against WCAG 2.1 A and AA on the page as it is now, serious and critical
 * problems only, one line each (rule, what it asks, where).
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(options: object): Promise<{ violations: unknown[] }> } })
      .axe;
    const result = await axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** The demo's running meeting: the one every page of the demo opens on. */
export const DEMO_MEETING = 'December all-hands';

interface MeetingSummary {
  id: string;
  title: string;
}

function meetingTitled(items: MeetingSummary[], title: string): MeetingSummary {
  const meeting = items.find((candidate) => candidate.title === title);
  if (!meeting) throw new Error(`the demo has no meeting "${title}"`);
  return meeting;
}

const meetingListAddress = `/trpc/meeting.list?input=${encodeURIComponent(JSON.stringify({ tenant: 'demo' }))}`;

/**
 * The address of a page of one of the demo organization's meetings (`''` is its participant page),
 * found by its title with the session `page` holds.
 */
export async function meetingPath(
  page: Page,
  sub: '' | 'moderate' | 'present' | 'analytics' = '',
  title = DEMO_MEETING,
): Promise<string> {
  const response = await page.request.get(meetingListAddress);
  const meeting = meetingTitled((await response.json()).result.data.items, title);
  return `/t/demo/m/${meeting.id}${sub ? `/${sub}` : ''}`;
}

/** The id of one of the demo organization's meetings, asked with a session cookie. */
export async function demoMeetingId(baseUrl: string, cookie: string, title = DEMO_MEETING): Promise<string> {
  const response = await fetch(`${baseUrl}${meetingListAddress}`, { headers: { cookie } });
  return meetingTitled((await response.json()).result.data.items, title).id;
}

/** Signs in, then opens a page of one of the demo's meetings; returns its address. */
export async function signInToMeeting(
  page: Page,
  email: string,
  sub: '' | 'moderate' | 'present' | 'analytics' = '',
  title = DEMO_MEETING,
): Promise<string> {
  await signIn(page, email, '/t/demo');
  const path = await meetingPath(page, sub, title);
  await page.goto(path);
  return path;
}

/** Any page of any meeting of the demo organization, as `waitForURL` matches it. */
export const DEMO_MEETING_PAGE = (sub = '') => new RegExp(`/t/demo/m/[\\w-]+${sub ? `/${sub}` : ''}$`);
