/**
 * Every page works under the Content-Security-Policy the server sends, with no violation reported, and
 * only the presenter display may be framed, by the origins its organization allows.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mutate, signIn as signInApi } from '@pulsestage/test-harness/accounts';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CSP_REFUSAL,
  DEMO_MEETING,
  meetingPath,
  openWindow,
  recordCspRefusals,
  type Stage,
  signIn,
  startStage,
} from './browser';

/** Reports each violation the page sees to the console, where the test collects them with the browser's own. */
function reportViolations() {
  document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`securitypolicyviolation: ${event.violatedDirective} blocked ${event.blockedURI}`);
  });
}

/** A window whose CSP violations, and the browser's messages about them, end up in `violations`. */
async function watchedWindow(stage: Stage, baseUrl: string, violations: string[]): Promise<BrowserContext> {
  const context = await openWindow(stage.browser, baseUrl, 'desktop');
  await context.addInitScript(reportViolations);
  recordCspRefusals(context, violations);
  return context;
}

/** The API's address as `localhost`, so that a page on another port of `localhost` is another origin of the same site. */
const onLocalhost = (url: string) => url.replace('://127.0.0.1:', '://localhost:');

const escapeAttribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

/** Another origin's page (an intranet, say) that frames the address in its `?src=`. */
async function startFramingSite(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://localhost').searchParams.get('src') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Intranet</title><h1>Intranet</h1>` +
        `<iframe title="PulseStage" width="1200" height="700" src="${escapeAttribute(src)}"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}

const queryAddress = (path: string, input: unknown) =>
  `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;

describe('the Content-Security-Policy in Chromium', () => {
  let stage: Stage;
  let baseUrl: string;
  let ownerCookie: string;
  let anonymous: Page;
  let owner: Page;
  let alice: Page;
  const violations: string[] = [];

  beforeAll(async () => {
    stage = await startStage();
    baseUrl = onLocalhost(stage.api.url);
    ownerCookie = await signInApi(stage.api.url, 'owner@demo.test');
    anonymous = await (await watchedWindow(stage, baseUrl, violations)).newPage();
    owner = await (await watchedWindow(stage, baseUrl, violations)).newPage();
    alice = await (await watchedWindow(stage, baseUrl, violations)).newPage();
    await signIn(owner, 'owner@demo.test');
    await signIn(alice, 'alice@demo.test', '/t/demo');
  });
  afterAll(() => stage?.close());

  const heading = (page: Page, name: string | RegExp) =>
    page.getByRole('heading', { name }).first().waitFor();

  it('shows the pages anyone can open', async () => {
    await anonymous.goto('/sign-in');
    await heading(anonymous, 'Sign in');
    await anonymous.goto('/sign-up');
    await heading(anonymous, 'Create your account');
    const { code: joinCode } = await (
      await owner.request.get(queryAddress('tenant.joinCode', { tenant: 'demo' }))
    )
      .json()
      .then((body) => body.result.data as { code: string });
    await anonymous.goto(`/join/${joinCode}`);
    await heading(anonymous, 'Join Demo Org');
    const meetings = await (await owner.request.get(queryAddress('meeting.list', { tenant: 'demo' }))).json();
    const running = (meetings.result.data.items as { title: string; code: string }[]).find(
      (meeting) => meeting.title === DEMO_MEETING,
    );
    await anonymous.goto(`/j/${running?.code}`);
    await heading(anonymous, DEMO_MEETING);
    await anonymous.goto(`/pulse/r/${'x'.repeat(43)}?score=4`);
    await heading(anonymous, 'This check-in link does not work');
    await anonymous.goto('/no/such/page');
    await heading(anonymous, 'Page not found');
  });

  it("shows a member's and an owner's pages, live", async () => {
    await alice.goto(await meetingPath(alice));
    await alice.locator('[data-connection="live"]').waitFor();
    await owner.goto('/');
    await heading(owner, 'Your organizations');
    await owner.goto('/t/demo');
    await heading(owner, DEMO_MEETING);
    await owner.goto(await meetingPath(owner));
    await owner.locator('[data-connection="live"]').waitFor();
    await owner.goto(await meetingPath(owner, 'moderate'));
    await heading(owner, 'Moderation');
    await owner.goto(await meetingPath(owner, 'present'));
    await owner.getByTestId('join-qr').waitFor();
    await owner.goto(await meetingPath(owner, 'analytics'));
    await owner.getByTestId('meeting-charts').locator('canvas').first().waitFor();
    // The export hands its file to the browser through a blob: link.
    const [download] = await Promise.all([
      owner.waitForEvent('download'),
      owner.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    await owner.goto('/t/demo/pulse');
    await owner.getByTestId('pulse-questions').waitFor();
    await owner.goto('/t/demo/pulse/results');
    await owner.getByTestId('pulse-results').first().locator('canvas').waitFor();
    const [pulseExport] = await Promise.all([
      owner.waitForEvent('download'),
      owner.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(pulseExport.suggestedFilename()).toMatch(/\.csv$/);
    await owner.goto('/t/demo/admin');
    await heading(owner, 'Administration');
    await owner.goto('/t/demo/audit');
    await heading(owner, 'Audit log');
    await owner.goto('/account');
    await heading(owner, 'Your sessions');
    await owner.getByTestId('session').first().waitFor();
  });

  it('opens a display link on a screen with no account', async () => {
    const link = await mutate<{ token: string }>(
      stage.api.url,
      'tenant.createDisplayLink',
      { tenant: 'demo' },
      ownerCookie,
    );
    const screen = await (await watchedWindow(stage, baseUrl, violations)).newPage();
    await screen.goto(`/display#${link.token}`);
    await screen.getByTestId('join-qr').waitFor();
    await screen.context().close();
  });

  it('reported no violation on any page', () => {
    expect(violations).toEqual([]);
  });

  describe('framing', () => {
    let site: { url: string; server: Server };
    let framer: Page;
    const framerMessages: string[] = [];

    beforeAll(async () => {
      site = await startFramingSite();
      const context = await openWindow(stage.browser, site.url, 'desktop');
      await context.addCookies(await owner.context().cookies());
      framer = await context.newPage();
      framer.on('console', (message) => framerMessages.push(message.text()));
    });
    afterAll(async () => {
      await mutate(
        stage.api.url,
        'tenant.updateSafetySettings',
        { tenant: 'demo', displayFrameOrigins: [] },
        ownerCookie,
      );
      site?.server.close();
    });

    /** The framing site's page with a frame of `path` on PulseStage; the frame once it has loaded. */
    async function frame(path: string) {
      framerMessages.length = 0;
      await framer.goto(`/?src=${encodeURIComponent(`${baseUrl}${path}`)}`);
      const element = await framer.locator('iframe').elementHandle();
      const content = await element?.contentFrame();
      if (!content) throw new Error('the frame did not load');
      return content;
    }

    it('refuses to let another origin frame the participant page', async () => {
      const refused = framer.waitForEvent('console', (message) =>
        message.text().includes("frame-ancestors 'none'"),
      );
      const content = await frame(await meetingPath(owner));
      await refused;
      expect(content.url()).toMatch(/^chrome-error:/);
      expect(await content.locator('[data-connection]').count()).toBe(0);
    });

    it('shows the presenter display in a frame on an origin its organization allows', async () => {
      await mutate(
        stage.api.url,
        'tenant.updateSafetySettings',
        { tenant: 'demo', displayFrameOrigins: [site.url] },
        ownerCookie,
      );
      const present = await meetingPath(owner, 'present');
      // The server reads an organization's origins again after a few seconds.
      await expect
        .poll(
          async () => (await fetch(`${stage.api.url}${present}`)).headers.get('content-security-policy'),
          {
            timeout: 20_000,
          },
        )
        .toContain(`frame-ancestors ${site.url}`);
      const content = await frame(present);
      await content.getByTestId('join-qr').waitFor();
      expect(framerMessages.filter((message) => CSP_REFUSAL.test(message))).toEqual([]);
    });
  });
});
