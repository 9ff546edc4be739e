import { type Role, SSO_REQUIRED_MESSAGE, type SsoFailure } from '@pulsestage/contracts';
import { badRequest, forbidden } from '../../errors.js';

/** A refusal of a single sign-on attempt: the browser goes back to the sign-in page, told why. */
export class SsoRefusal extends Error {
  constructor(readonly failure: SsoFailure) {
    super(`single sign-on refused: ${failure}`);
    this.name = 'SsoRefusal';
  }
}

/**
 * In a tenant that requires single sign-on, only owners may use a session that did not come through
 * it (so nobody locks the tenant out); everyone else signs in with the tenant's provider.
 */
export function checkSsoRequirement(
  tenant: { id: string; requireSso: boolean },
  role: Role,
  session: { ssoTenantId: string | null },
): void {
  if (tenant.requireSso && role !== 'owner' && session.ssoTenantId !== tenant.id) {
    throw forbidden(SSO_REQUIRED_MESSAGE);
  }
}

/** The server fetches the issuer's discovery document itself: plain HTTP only when the operator allows it. */
export function checkIssuerUrl(issuer: string, allowHttp: boolean): void {
  const { protocol } = new URL(issuer);
  if (protocol === 'https:' || (protocol === 'http:' && allowHttp)) return;
  throw badRequest('issuer: must be an https:// URL');
}

/** The settings the provider needs before anyone can be sent there. */
export function checkComplete(settings: { enabled: boolean; issuer: string; clientId: string }): void {
  if (settings.enabled && (!settings.issuer || !settings.clientId)) {
    throw badRequest('issuer: an issuer URL and a client id are needed to turn single sign-on on');
  }
}

/** Only an email the provider says it verified links an account: anyone can claim an unverified one. */
export function verifiedEmail(claims: Readonly<Record<string, unknown>>): string {
  if (typeof claims.email !== 'string' || claims.email_verified !== true) throw new SsoRefusal('unverified');
  return claims.email.trim().toLowerCase();
}

function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/**
 * Who may come in: an existing member whatever their email's domain; someone new only from an
 * allowed domain (joining as member), and never someone an admin removed.
 */
export function admission(person: {
  role: Role | undefined;
  removed: boolean;
  email: string;
  allowedDomains: readonly string[];
}): 'member' | 'join' {
  if (person.role) return 'member';
  if (person.removed) throw new SsoRefusal('removed');
  if (!person.allowedDomains.includes(emailDomain(person.email))) throw new SsoRefusal('domain');
  return 'join';
}

/** An attempt is good once, until it expires. */
export function checkAttempt(attempt: { usedAt: string | null; expiresAt: string }, now: Date): void {
  if (attempt.usedAt) throw new SsoRefusal('replayed');
  if (Date.parse(attempt.expiresAt) <= now.getTime()) throw new SsoRefusal('expired');
}

const RETURN_PATH_MAX = 500;

/**
 * Where to land after signing in: the page of this tenant the person was on the way to, and only that
 * (never another site, nor another tenant); else the tenant's home.
 */
export function returnPathIn(slug: string, next: string | null): string {
  const home = `/t/${slug}`;
  const inTenant = next === home || next?.startsWith(`${home}/`);
  const plain = next !== null && next.length <= RETURN_PATH_MAX && /^[\w\-/]*$/.test(next);
  return inTenant && plain ? next : home;
}
