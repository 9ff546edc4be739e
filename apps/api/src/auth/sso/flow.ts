import { type SsoFailure, signUpInput } from '@pulsestage/contracts';
import * as oidc from 'openid-client';
import type { Database } from '../../db/schema.js';
import { addMember, findMembershipRole, wasRemoved } from '../../tenants/repository.js';
import { generateSecret, hashSecret } from '../secrets.js';
import { insertUser } from '../service.js';
import type { SsoOptions } from './options.js';
import {
  deleteSsoAttemptsExpiredBefore,
  findSsoAttempt,
  findSsoSettingsBySlug,
  findUserIdByEmail,
  insertSsoAttempt,
  markSsoAttemptUsed,
} from './repository.js';
import { admission, checkAttempt, returnPathIn, SsoRefusal, verifiedEmail } from './rules.js';
import { openSecret } from './secret-box.js';

const SCOPES = 'openid email profile';

interface Provider {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
}

type ProviderSettings = NonNullable<Awaited<ReturnType<typeof findSsoSettingsBySlug>>>;

function providerOf(settings: ProviderSettings, options: SsoOptions): Provider {
  const clientSecret = settings.clientSecret && openSecret(settings.clientSecret, options.secretKey);
  if (settings.clientSecret && clientSecret === null) throw new SsoRefusal('misconfigured');
  return { issuer: settings.issuer, clientId: settings.clientId, clientSecret };
}

/** A provider's discovery document is read again after this long (its keys whenever a new one signs). */
const DISCOVERY_TTL_MS = 5 * 60 * 1000;
const discovered = new Map<string, { config: oidc.Configuration; expiresAt: number }>();

function forgetExpiredDiscoveries(): void {
  const now = Date.now();
  for (const [key, entry] of discovered) if (entry.expiresAt <= now) discovered.delete(key);
}

/** Reads the provider's discovery document: the server fetches the admin's URL, within the bounds. */
async function discover(provider: Provider, options: SsoOptions): Promise<oidc.Configuration> {
  const key = hashSecret(JSON.stringify([provider, options.allowHttpIssuers, options.timeoutSeconds]));
  const cached = discovered.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.config;
  // HTTP Basic is OpenID Connect's default client authentication, the one every provider accepts.
  const auth = provider.clientSecret ? oidc.ClientSecretBasic(provider.clientSecret) : oidc.None();
  try {
    const config = await oidc.discovery(new URL(provider.issuer), provider.clientId, undefined, auth, {
      timeout: options.timeoutSeconds,
      execute: options.allowHttpIssuers ? [oidc.allowInsecureRequests] : [],
    });
    forgetExpiredDiscoveries();
    discovered.set(key, { config, expiresAt: Date.now() + DISCOVERY_TTL_MS });
    return config;
  } catch {
    throw new SsoRefusal('unreachable');
  }
}

export interface SsoStart {
  /** Where the browser goes: the provider's authorization endpoint. */
  location: string;
  /** Kept by the browser in a cookie: the callback must come back with it. */
  state: string;
}

/**
 * Sends a browser to the tenant's provider: authorization code with PKCE, a fresh `state` and `nonce`.
 * The attempt is stored under the state's hash with the verifier and nonce, usable once, briefly.
 */
export async function startSsoSignIn(
  db: Database,
  request: { slug: string; redirectUri: string; next: string | null },
  options: SsoOptions,
): Promise<SsoStart> {
  const { slug, redirectUri } = request;
  const settings = await findSsoSettingsBySlug(db, slug);
  if (settings?.enabled !== 1) throw new SsoRefusal('unavailable');
  const config = await discover(providerOf(settings, options), options);
  const state = generateSecret();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const now = Date.now();
  await deleteSsoAttemptsExpiredBefore(db, new Date(now - options.attemptLifetimeMs).toISOString());
  await insertSsoAttempt(db, {
    id: hashSecret(state),
    tenantId: settings.tenantId,
    codeVerifier,
    nonce,
    redirectUri,
    returnPath: returnPathIn(slug, request.next),
    expiresAt: new Date(now + options.attemptLifetimeMs).toISOString(),
    usedAt: null,
  });
  const location = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: SCOPES,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { location: location.href, state };
}

export interface SsoSignedIn {
  tenant: { id: string; slug: string };
  userId: string;
  /** The tenant's page the person was on the way to. */
  returnPath: string;
}

/** A refusal, with the tenant when the attempt named one (the sign-in page then offers it again). */
export class SsoCallbackRefusal extends Error {
  constructor(
    readonly failure: SsoFailure,
    readonly slug: string | undefined,
  ) {
    super(`single sign-on refused: ${failure}`);
    this.name = 'SsoCallbackRefusal';
  }
}

function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof TypeError || error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  return error.cause !== undefined && isNetworkFailure(error.cause);
}

async function exchangeCode(
  config: oidc.Configuration,
  callback: URL,
  attempt: { redirectUri: string; codeVerifier: string; nonce: string },
  state: string,
) {
  const currentUrl = new URL(attempt.redirectUri);
  currentUrl.search = callback.search;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: attempt.codeVerifier,
      expectedState: state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new SsoRefusal('refused');
    if (claims.email !== undefined && claims.email_verified !== undefined) return claims;
    // Some providers keep the email out of the ID token: the userinfo endpoint has it.
    return { ...claims, ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) };
  } catch (error) {
    if (error instanceof SsoRefusal) throw error;
    throw new SsoRefusal(isNetworkFailure(error) ? 'unreachable' : 'refused');
  }
}

/** Links the verified email to its account (or makes one without a password) and admits it. */
async function admit(
  db: Database,
  settings: ProviderSettings,
  person: { email: string; name: string | undefined },
): Promise<string> {
  const { tenantId } = settings;
  const { email } = person;
  const existing = await findUserIdByEmail(db, email);
  const role = existing && (await findMembershipRole(db, tenantId, existing.id));
  const removed = existing ? await wasRemoved(db, tenantId, existing.id) : false;
  const allowedDomains = JSON.parse(settings.allowedDomains) as string[];
  if (admission({ role, removed, email, allowedDomains }) === 'member' && existing) return existing.id;
  const name = person.name || email.slice(0, email.indexOf('@'));
  const userId = existing?.id ?? (await insertUser(db, { email, name, password: null }));
  await addMember(db, tenantId, userId, 'member');
  return userId;
}

/**
 * The provider sent the browser back: the attempt must be the one this browser started (its cookie),
 * unused and unexpired; then the code is exchanged (PKCE, nonce and the ID token checked by
 * openid-client) and the verified email decides who signs in.
 */
export async function finishSsoSignIn(
  db: Database,
  callback: URL,
  browserState: string | undefined,
  options: SsoOptions,
): Promise<SsoSignedIn> {
  const state = callback.searchParams.get('state') ?? '';
  const attempt = state ? await findSsoAttempt(db, hashSecret(state)) : undefined;
  if (!attempt) throw new SsoCallbackRefusal('state', undefined);
  const refuse = (failure: SsoFailure) => new SsoCallbackRefusal(failure, attempt.slug);
  try {
    checkAttempt(attempt, new Date());
    if (browserState !== state) throw new SsoRefusal('state');
    if (!(await markSsoAttemptUsed(db, attempt.id, new Date().toISOString())))
      throw new SsoRefusal('replayed');
    if (callback.searchParams.has('error')) throw new SsoRefusal('refused');
    const settings = await findSsoSettingsBySlug(db, attempt.slug);
    if (settings?.enabled !== 1) throw new SsoRefusal('unavailable');
    const config = await discover(providerOf(settings, options), options);
    const claims = await exchangeCode(config, callback, attempt, state);
    const email = verifiedEmail(claims);
    // The provider's name is taken only as sign-up would take it; else the email's local part is used.
    const name = signUpInput.shape.name.safeParse(claims.name).data;
    const userId = await admit(db, settings, { email, name });
    return { tenant: { id: attempt.tenantId, slug: attempt.slug }, userId, returnPath: attempt.returnPath };
  } catch (error) {
    if (error instanceof SsoRefusal) throw refuse(error.failure);
    throw error;
  }
}
