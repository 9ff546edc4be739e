import type { IncomingMessage } from 'node:http';
import type { Role } from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { unauthorized } from '../errors.js';
import { findMembershipRole } from '../tenants/repository.js';
import { lowerRole } from './permissions.js';
import { findDisplayLinkByHash, findServiceTokenByHash, findTokenGrant } from './repository.js';
import { hashSecret } from './secrets.js';
import {
  cookieName,
  readCookie,
  SESSION_COOKIE,
  type SessionUser,
  validateSessionToken,
} from './sessions.js';

/** Holds a display link's token on a presenter screen, which has no account of its own. */
export const DISPLAY_COOKIE = 'pulsestage_display';

export const SERVICE_TOKEN_PREFIX = 'pst_';
export const DISPLAY_TOKEN_PREFIX = 'psd_';

export type Caller =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      user: SessionUser;
      sessionId: string;
      sessionExpiresAt: Date;
      renewed: boolean;
      /** The tenant whose single sign-on made the session; null for a password or guest session. */
      ssoTenantId: string | null;
    }
  | { kind: 'service'; tokenId: string; tenantId: string; role: Role }
  | { kind: 'display'; linkId: string; tenantId: string };

/** What a request presents: its `Authorization` header and the tokens of its credential cookies. */
export interface RequestCredentials {
  authorization: string | undefined;
  sessionToken: string | undefined;
  displayToken: string | undefined;
}

/**
 * The credentials of a request, its cookies read by the names in force (the `__Host-` ones behind
 * HTTPS), so a cookie a sibling subdomain planted under the plain name is never taken.
 */
export function requestCredentials(req: IncomingMessage, secureCookies: boolean): RequestCredentials {
  const { cookie, authorization } = req.headers;
  return {
    authorization,
    sessionToken: readCookie(cookie, cookieName(SESSION_COOKIE, secureCookies)),
    displayToken: readCookie(cookie, cookieName(DISPLAY_COOKIE, secureCookies)),
  };
}

interface TokenGrant {
  tenantId: string;
  role: Role;
  createdBy: string;
}

/** Tokens made by tokens are followed this far back to the person who made the first one. */
const MAX_TOKEN_CHAIN = 8;

/**
 * What the maker of a token holds in its tenant now: a member's role, or the effective role of the
 * (unrevoked) token that made it; null when the maker holds nothing there any more.
 */
async function makerRole(db: Database, grant: TokenGrant, depth: number): Promise<Role | null> {
  const memberRole = await findMembershipRole(db, grant.tenantId, grant.createdBy);
  if (memberRole) return memberRole;
  if (depth >= MAX_TOKEN_CHAIN) return null;
  const parent = await findTokenGrant(db, grant.tenantId, grant.createdBy);
  return parent ? effectiveTokenRole(db, parent, depth + 1) : null;
}

/** A token never carries more than its maker holds now: the lower of the two roles, or nothing. */
export async function effectiveTokenRole(db: Database, grant: TokenGrant, depth = 0): Promise<Role | null> {
  const maker = await makerRole(db, grant, depth);
  return maker && lowerRole(grant.role, maker);
}

async function serviceCaller(db: Database, token: string): Promise<Caller | null> {
  const row = await findServiceTokenByHash(db, hashSecret(token));
  const role = row && (await effectiveTokenRole(db, row));
  return row && role ? { kind: 'service', tokenId: row.id, tenantId: row.tenantId, role } : null;
}

export async function displayCaller(
  db: Database,
  token: string,
): Promise<Extract<Caller, { kind: 'display' }> | null> {
  const row = await findDisplayLinkByHash(db, hashSecret(token));
  return row ? { kind: 'display', linkId: row.id, tenantId: row.tenantId } : null;
}

async function bearerCaller(db: Database, authorization: string): Promise<Caller> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? '';
  let caller: Caller | null = null;
  if (token.startsWith(SERVICE_TOKEN_PREFIX)) caller = await serviceCaller(db, token);
  else if (token.startsWith(DISPLAY_TOKEN_PREFIX)) caller = await displayCaller(db, token);
  if (!caller) throw unauthorized('The bearer token is invalid or has been revoked');
  return caller;
}

async function displayCookieCaller(db: Database, token: string | undefined): Promise<Caller> {
  const caller = token?.startsWith(DISPLAY_TOKEN_PREFIX) ? await displayCaller(db, token) : null;
  return caller ?? { kind: 'anonymous' };
}

/** Who a caller is, never what credentials it sent: its session, service token or display link. */
export function callerKey(caller: Caller): string {
  switch (caller.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return `session:${caller.sessionId}`;
    case 'service':
      return `service:${caller.tokenId}`;
    case 'display':
      return `display:${caller.linkId}`;
  }
}

/**
 * Who is calling: a bearer token wins over the session cookie, which wins over a display cookie;
 * none of them means anonymous.
 */
export async function identifyCaller(db: Database, credentials: RequestCredentials): Promise<Caller> {
  if (credentials.authorization) return bearerCaller(db, credentials.authorization);
  const { sessionToken } = credentials;
  const valid = sessionToken ? await validateSessionToken(db, sessionToken) : null;
  if (!valid) return displayCookieCaller(db, credentials.displayToken);
  return {
    kind: 'user',
    user: valid.user,
    sessionId: valid.session.id,
    sessionExpiresAt: valid.session.expiresAt,
    renewed: valid.renewed,
    ssoTenantId: valid.session.ssoTenantId,
  };
}
