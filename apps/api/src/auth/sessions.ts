import type { Database } from '../db/schema.js';
import { generateSecret, hashSecret } from './secrets.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SESSION_LIFETIME_MS = 30 * DAY_MS;
const RENEW_WITHIN_MS = 15 * DAY_MS;
/** `lastUsedAt` is written at most this often, so a session's requests do not each cost a write. */
export const LAST_USED_PRECISION_MS = 5 * 60 * 1000;
/** Enough of a user agent to tell browsers apart in the list of sessions. */
const USER_AGENT_MAX = 200;

export const SESSION_COOKIE = 'pulsestage_session';

export interface SessionUser {
  id: string;
  email: string | null;
  name: string;
  guest: boolean;
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
  /** The tenant whose single sign-on made the session; null for a password or guest session. */
  ssoTenantId: string | null;
}

interface ValidSession {
  session: Session;
  user: SessionUser;
  /** Set when the expiry moved, so the cookie must be sent again. */
  renewed: boolean;
}

/**
 * The token goes into the cookie; the database keeps only its hash as the session id, and a random
 * public id that names the session in its owner's list.
 */
export async function createSession(
  db: Database,
  userId: string,
  userAgent?: string,
  ssoTenantId: string | null = null,
): Promise<{ token: string; session: Session }> {
  const token = generateSecret();
  const session = {
    id: hashSecret(token),
    userId,
    expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS),
    ssoTenantId,
  };
  const now = new Date().toISOString();
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      publicId: crypto.randomUUID(),
      userId,
      userAgent: userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      expiresAt: session.expiresAt.toISOString(),
      createdAt: now,
      lastUsedAt: now,
      ssoTenantId,
    })
    .execute();
  return { token, session };
}

export async function validateSessionToken(db: Database, token: string): Promise<ValidSession | null> {
  const sessionId = hashSecret(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .select([
      'sessions.id',
      'sessions.userId',
      'sessions.expiresAt',
      'sessions.lastUsedAt',
      'sessions.ssoTenantId',
      'users.email',
      'users.name',
      'users.guest',
    ])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;

  const now = Date.now();
  let expiresAt = new Date(row.expiresAt);
  if (now >= expiresAt.getTime()) {
    await invalidateSession(db, sessionId);
    return null;
  }
  const renewed = now >= expiresAt.getTime() - RENEW_WITHIN_MS;
  if (renewed) expiresAt = new Date(now + SESSION_LIFETIME_MS);
  const lastUsedStale = !row.lastUsedAt || now - Date.parse(row.lastUsedAt) >= LAST_USED_PRECISION_MS;
  if (renewed || lastUsedStale) {
    await db
      .updateTable('sessions')
      .set({
        expiresAt: renewed ? expiresAt.toISOString() : undefined,
        lastUsedAt: new Date(now).toISOString(),
      })
      .where('id', '=', sessionId)
      .execute();
  }
  return {
    session: { id: row.id, userId: row.userId, expiresAt, ssoTenantId: row.ssoTenantId },
    user: { id: row.userId, email: row.email, name: row.name, guest: row.guest === 1 },
    renewed,
  };
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/**
 * The name a credential cookie goes by. Behind HTTPS the `__Host-` prefix makes browsers keep it only
 * when Secure, on Path=/ and without Domain, so neither a sibling subdomain nor a plain-HTTP page can
 * plant or shadow it; browsers refuse the prefix without HTTPS, so development keeps the plain name.
 */
export function cookieName(name: string, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

/** A `Set-Cookie` value for a credential: never readable by scripts, not sent on cross-site requests. */
export function credentialCookie(name: string, token: string, expiresAt: Date, secure: boolean): string {
  const attributes = [
    `${cookieName(name, secure)}=${token}`,
    'HttpOnly',
    'SameSite=Lax',
    'Path=/',
    `Expires=${expiresAt.toUTCString()}`,
  ];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

export function blankCredentialCookie(name: string, secure: boolean): string {
  return credentialCookie(name, '', new Date(0), secure).replace(/Expires=[^;]+/, 'Max-Age=0');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
