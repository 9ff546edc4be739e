import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSO_CALLBACK_PATH, SSO_START_PATH, type SsoFailure, tenantSlug } from '@pulsestage/contracts';
import type { Database } from '../../db/schema.js';
import { DomainError } from '../../errors.js';
import { clientAddress, type TrustedProxies } from '../../http/client-address.js';
import type { RateLimits } from '../../limits/rate-limits.js';
import {
  blankCredentialCookie,
  cookieName,
  createSession,
  credentialCookie,
  readCookie,
  SESSION_COOKIE,
} from '../sessions.js';
import { finishSsoSignIn, SsoCallbackRefusal, startSsoSignIn } from './flow.js';
import type { SsoOptions } from './options.js';
import { SsoRefusal } from './rules.js';

/** Binds an attempt to the browser that started it: the callback must bring the same `state`. */
const ATTEMPT_COOKIE = 'pulsestage_sso';

interface SsoRouteOptions {
  db: Database;
  sso: SsoOptions;
  secureCookies: boolean;
  /** `PUBLIC_URL`; unset: the address the browser used. */
  publicUrl: string | undefined;
  log: (message: string, error?: unknown) => void;
  /** Starts spend `ROUTE_LIMITS`' points of the browser's address. */
  limits: RateLimits;
  trustedProxies: TrustedProxies | undefined;
}

function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(302, { location, 'set-cookie': cookies, 'cache-control': 'no-store' });
  res.end();
}

/** The sign-in page with the reason in `sso_error`, and in `retry_after` the seconds a refusal lasts. */
function signInPage(failure: SsoFailure, slug: string | undefined, retryAfterSeconds?: number): string {
  const query = new URLSearchParams(slug ? { tenant: slug } : {});
  query.set('sso_error', failure);
  if (retryAfterSeconds !== undefined) query.set('retry_after', String(retryAfterSeconds));
  return `/sign-in?${query}`;
}

const isRateLimitRefusal = (error: unknown): error is DomainError =>
  error instanceof DomainError && error.code === 'TOO_MANY_REQUESTS';

/** The callback address to register at the provider: under `PUBLIC_URL`, else where the browser came. */
export function ssoRedirectUri(req: IncomingMessage, publicUrl: string | undefined, https: boolean): string {
  const origin = publicUrl ?? `${https ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  return `${origin}${SSO_CALLBACK_PATH}`;
}

/**
 * `GET /auth/sso/start?tenant=<slug>` sends the browser to the tenant's provider; `GET
 * /auth/sso/callback` is where the provider sends it back, signed in (the same session cookie as a
 * password) into the tenant, or refused onto the sign-in page with the reason in `sso_error`.
 */
export function createSsoRoutes(options: SsoRouteOptions) {
  const { db, sso, secureCookies } = options;
  const attemptCookieName = cookieName(ATTEMPT_COOKIE, secureCookies);
  const redirectUri = (req: IncomingMessage) => ssoRedirectUri(req, options.publicUrl, secureCookies);
  const refuse = (res: ServerResponse, failure: SsoFailure, slug: string | undefined, retryAfter?: number) =>
    redirect(res, signInPage(failure, slug, retryAfter), [
      blankCredentialCookie(ATTEMPT_COOKIE, secureCookies),
    ]);

  /** Starts an attempt within the address's limit; throws the limit's refusal like the start's own. */
  function limitedStart(req: IncomingMessage, slug: string, next: string | null) {
    const call = {
      path: SSO_START_PATH,
      clientAddress: clientAddress(req, options.trustedProxies),
      db,
      input: { tenant: slug },
    };
    return options.limits.guardRoute(call, () =>
      startSsoSignIn(db, { slug, redirectUri: redirectUri(req), next }, sso),
    );
  }

  async function start(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const slug = tenantSlug.safeParse(url.searchParams.get('tenant') ?? '');
    if (!slug.success) return refuse(res, 'unavailable', undefined);
    try {
      const started = await limitedStart(req, slug.data, url.searchParams.get('next'));
      const expiresAt = new Date(Date.now() + sso.attemptLifetimeMs);
      redirect(res, started.location, [
        credentialCookie(ATTEMPT_COOKIE, started.state, expiresAt, secureCookies),
      ]);
    } catch (error) {
      if (isRateLimitRefusal(error)) return refuse(res, 'throttled', slug.data, error.retryAfterSeconds);
      if (!(error instanceof SsoRefusal)) options.log('single sign-on could not start', error);
      refuse(res, error instanceof SsoRefusal ? error.failure : 'refused', slug.data);
    }
  }

  async function callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const browserState = readCookie(req.headers.cookie, attemptCookieName);
    try {
      const signedIn = await finishSsoSignIn(db, url, browserState, sso);
      const userAgent = req.headers['user-agent'];
      const { token, session } = await createSession(db, signedIn.userId, userAgent, signedIn.tenant.id);
      redirect(res, signedIn.returnPath, [
        credentialCookie(SESSION_COOKIE, token, session.expiresAt, secureCookies),
        blankCredentialCookie(ATTEMPT_COOKIE, secureCookies),
      ]);
    } catch (error) {
      if (!(error instanceof SsoCallbackRefusal)) {
        options.log('single sign-on callback failed', error);
        return refuse(res, 'refused', undefined);
      }
      refuse(res, error.failure, error.slug);
    }
  }

  return { start, callback };
}
