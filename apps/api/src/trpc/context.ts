import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Caller,
  DISPLAY_COOKIE,
  identifyCaller,
  type RequestCredentials,
  requestCredentials,
} from '../auth/credentials.js';
import { blankCredentialCookie, credentialCookie, SESSION_COOKIE } from '../auth/sessions.js';
import { SSO_DEFAULTS, type SsoOptions } from '../auth/sso/options.js';
import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { DomainError } from '../errors.js';
import type { StreamEngine } from '../events/stream/engine.js';
import type { EventHub } from '../events/stream/hub.js';
import type { StreamLimits } from '../events/stream/stream-limits.js';
import { clientAddress, type TrustedProxies } from '../http/client-address.js';
import { defaultRateLimits, type RateLimits } from '../limits/rate-limits.js';
import type { VoteBatcher } from '../questions/vote-batcher.js';

export interface AppDependencies {
  db: Database;
  hub: EventHub;
  engine: StreamEngine;
  /** Commits upvotes and their removals in groups per tenant: one of them per process. */
  votes: VoteBatcher;
  /** Cookies get the Secure attribute and `__Host-` names (production, behind HTTPS). */
  secureCookies: boolean;
  /** The demo accounts are listed for the sign-in page. */
  demoMode: boolean;
  /** The address people reach the server at (`PUBLIC_URL`), for QR codes and links; unset: the browser's. */
  publicUrl?: string;
  /** Proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`). */
  trustedProxies?: TrustedProxies;
  /** Open event streams per credential and per client address (10 and 2,000 unless configured). */
  streamLimits?: StreamLimits;
  /** What each call may spend, per account, person and address; absent: the defaults, counted in memory. */
  limits?: RateLimits;
  /** The time pulse check-ins are invited, expire and answered at; absent: the system's. */
  clock?: Clock;
  /** Single sign-on's bounds and key (`SSO_*`); absent: the defaults (https issuers only, no key). */
  sso?: SsoOptions;
}

export interface Context extends AppDependencies {
  limits: RateLimits;
  clock: Clock;
  sso: SsoOptions;
  caller: Caller;
  credentials: RequestCredentials;
  /** Set when the credentials themselves were refused; procedures that need a caller fail with it. */
  credentialError: DomainError | undefined;
  req: IncomingMessage;
  /** Where the request came from, for per-address limits. */
  clientAddress: string;
  setSessionCookie(token: string, expiresAt: Date): void;
  setDisplayCookie(token: string): void;
  /** Forgets the session and any display link this browser holds. */
  clearCredentialCookies(): void;
}

/** A display link stays on its screen until it is revoked; the cookie only has to outlive the event. */
const DISPLAY_COOKIE_LIFETIME_MS = 400 * 24 * 60 * 60 * 1000;

export async function createContext(
  deps: AppDependencies,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Context> {
  const credentials = requestCredentials(req, deps.secureCookies);
  let caller: Caller = { kind: 'anonymous' };
  let credentialError: DomainError | undefined;
  try {
    caller = await identifyCaller(deps.db, credentials);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    credentialError = error;
  }
  const setCookie = (value: string) => res.appendHeader('Set-Cookie', value);
  const setSessionCookie = (token: string, expiresAt: Date) =>
    setCookie(credentialCookie(SESSION_COOKIE, token, expiresAt, deps.secureCookies));
  if (caller.kind === 'user' && caller.renewed && credentials.sessionToken) {
    setSessionCookie(credentials.sessionToken, caller.sessionExpiresAt);
  }
  return {
    ...deps,
    caller,
    credentials,
    credentialError,
    req,
    clientAddress: clientAddress(req, deps.trustedProxies),
    limits: deps.limits ?? defaultRateLimits(),
    clock: deps.clock ?? systemClock,
    sso: deps.sso ?? SSO_DEFAULTS,
    setSessionCookie,
    setDisplayCookie: (token) =>
      setCookie(
        credentialCookie(
          DISPLAY_COOKIE,
          token,
          new Date(Date.now() + DISPLAY_COOKIE_LIFETIME_MS),
          deps.secureCookies,
        ),
      ),
    clearCredentialCookies: () => {
      for (const name of [SESSION_COOKIE, DISPLAY_COOKIE])
        setCookie(blankCredentialCookie(name, deps.secureCookies));
    },
  };
}
