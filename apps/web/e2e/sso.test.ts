/**
 * Single sign-on as people meet it, against a real OpenID Connect provider: an admin sets it up on the
 * admin page, a newcomer signs in through the provider's login form and lands in the organization, every
 * refusal ends on the sign-in page saying why, and requiring it stops passwords for all but owners.
 */
import { SSO_FAILURES, SSO_REQUIRED_MESSAGE, type SsoFailure } from '@pulsestage/contracts/sso-messages';
import { startOidcProvider, type TestOidcProvider } from '@pulsestage/test-harness/oidc';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  openWindow,
  type Stage,
  screenshot,
  signIn,
  startStage,
  VIEWPORTS,
} from './browser';

const ALLOWED_DOMAIN = 'sso-demo.test';
const CLIENT_SECRET = 'the demo client secret';

describe('single sign-on', () => {
  let stage: Stage;
  let provider: TestOidcProvider;
  let owner: Page;
  let accounts = 0;

  /** A person at the provider, with an email the test picks. */
  function person(options: { verified?: boolean; domain?: string } = {}): string {
    accounts += 1;
    const login = `person${accounts}`;
    const email = `${login}@${options.domain ?? ALLOWED_DOMAIN}`;
    provider.setAccount(login, {
      email,
      emailVerified: options.verified ?? true,
      name: `Person ${accounts}`,
    });
    return login;
  }

  async function freshPage(viewport: 'phone' | 'desktop' = 'phone'): Promise<Page> {
    return (await openWindow(stage.browser, stage.api.url, viewport)).newPage();
  }

  /**
   * From the sign-in page of the demo organization (or the plain one, naming the organization), through
   * the provider's own login form.
   */
  async function throughProvider(
    page: Page,
    login: string,
    from: 'tenant' | 'plain' = 'tenant',
  ): Promise<void> {
    if (from === 'tenant') {
      await page.goto('/sign-in?tenant=demo');
      await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    } else {
      await page.goto('/sign-in');
      await page.getByText('Sign in with single sign-on').click();
      await page.getByLabel(/^Organization/).fill('demo');
      await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
    }
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }

  async function expectRefusal(page: Page, failure: SsoFailure): Promise<void> {
    await page.waitForURL(
      (url) => url.pathname === '/sign-in' && url.searchParams.get('sso_error') === failure,
    );
    await page.getByRole('alert').filter({ hasText: SSO_FAILURES[failure] }).waitFor();
  }

  beforeAll(async () => {
    stage = await startStage({ SSO_ALLOW_HTTP_ISSUERS: '1' });
    provider = await startOidcProvider({
      client: {
        clientId: 'pulsestage-demo',
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${stage.api.url}/auth/sso/callback`],
      },
    });
    owner = await freshPage('desktop');
    await signIn(owner, 'owner@demo.test', '/t/demo/admin');
  }, 90_000);
  afterAll(async () => {
    await provider?.close();
    await stage?.close();
  });

  it('lets an admin set it up on the admin page, showing the redirect URI and never the secret', async () => {
    const section = owner.getByRole('region', { name: 'Single sign-on' });
    await section.getByText(`${stage.api.url}/auth/sso/callback`).waitFor();
    await section.getByLabel('Issuer URL').fill(provider.issuer);
    await section.getByLabel('Client ID').fill('pulsestage-demo');
    await section.getByLabel('Client secret').fill(CLIENT_SECRET);
    await section.getByLabel('Email domains that may join').fill(ALLOWED_DOMAIN);
    await section.getByLabel('Offer single sign-on').check();
    await section.getByRole('button', { name: 'Save single sign-on' }).click();
    await section.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const secret = section.getByLabel('Client secret (set; leave empty to keep it)');
    expect(await secret.inputValue()).toBe('');
    await owner.reload();
    await section.getByLabel('Issuer URL').waitFor();
    expect(await owner.content()).not.toContain(CLIENT_SECRET);
    expect(await accessibilityProblems(owner)).toEqual([]);
    await owner.emulateMedia({ colorScheme: 'dark' });
    expect(await accessibilityProblems(owner)).toEqual([]);
    await owner.setViewportSize(VIEWPORTS.phone);
    await section.scrollIntoViewIfNeeded();
    await screenshot(owner, 'sso-settings-phone-dark');
    await owner.setViewportSize(VIEWPORTS.desktop);
    await owner.emulateMedia({ colorScheme: 'light' });
  });

  it('signs a newcomer in through the provider and into the organization', async () => {
    const page = await freshPage();
    // The sign-in page a tenant's address sends to knows the tenant, so it offers its single sign-on.
    await page.goto('/t/demo');
    await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('tenant') === 'demo');
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'sso-sign-in-phone');
    await throughProvider(page, person());
    await page.waitForURL((url) => url.pathname === '/t/demo');
    await page.getByRole('heading', { name: 'Meetings' }).first().waitFor();
  });

  it('ends a wrong state, a replayed code, an unverified email and a foreign domain on the sign-in page, saying which', async () => {
    const forged = await freshPage();
    await forged.goto('/auth/sso/callback?code=made-up&state=a-state-nobody-issued');
    await expectRefusal(forged, 'state');

    const replay = await freshPage();
    const callback = replay.waitForRequest((request) => request.url().includes('/auth/sso/callback'));
    await throughProvider(replay, person());
    const callbackUrl = (await callback).url();
    await replay.waitForURL((url) => url.pathname === '/t/demo');
    await replay.goto(callbackUrl);
    await expectRefusal(replay, 'replayed');

    const unverified = await freshPage();
    await throughProvider(unverified, person({ verified: false }), 'plain');
    await expectRefusal(unverified, 'unverified');

    const outsider = await freshPage();
    await throughProvider(outsider, person({ domain: 'elsewhere.test' }));
    await expectRefusal(outsider, 'domain');
    expect(await accessibilityProblems(outsider)).toEqual([]);
    await outsider.emulateMedia({ colorScheme: 'dark' });
    expect(await accessibilityProblems(outsider)).toEqual([]);
    await screenshot(outsider, 'sso-refused-phone-dark');
  });

  it('when required, refuses a member with a password session but not the owner', async () => {
    await owner
      .getByRole('region', { name: 'Single sign-on' })
      .getByLabel(/^Require single sign-on/)
      .check();
    await owner.getByRole('button', { name: 'Save single sign-on' }).click();
    await owner.getByRole('region', { name: 'Single sign-on' }).getByRole('status').waitFor();

    const alice = await freshPage();
    await signIn(alice, 'alice@demo.test');
    await alice.goto('/t/demo');
    await alice.getByText(SSO_REQUIRED_MESSAGE).waitFor();
    await alice.getByRole('link', { name: 'Sign in with single sign-on' }).waitFor();

    await owner.reload();
    await owner.getByRole('heading', { name: 'Administration' }).waitFor();
  });
});
