import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Caller, identifyCaller, type RequestCredentials } from '../auth/credentials.js';
import { blankSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../auth/sessions.js';
import type { Database } from '../db/schema.js';
import { DomainError } from '../errors.js';
import type { StreamEngine } from '../events/engine.js';
import type { EventHub } from '../events/hub.js';

export interface AppDependencies {
  db: Database;
  hub: EventHub;
  engine: StreamEngine;
  /** Cookies get the Secure attribute (production, behind HTTPS). */
  secureCookies: boolean;
}

export interface Context extends AppDependencies {
  caller: Caller;
  credentials: RequestCredentials;
  /** Set when the credentials themselves were refused; procedures that need a caller fail with it. */
  credentialError: DomainError | undefined;
  req: IncomingMessage;
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}

export async function createContext(
  deps: AppDependencies,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Context> {
  const credentials = { cookie: req.headers.cookie, authorization: req.headers.authorization };
  let caller: Caller = { kind: 'anonymous' };
  let credentialError: DomainError | undefined;
  try {
    caller = await identifyCaller(deps.db, credentials);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    credentialError = error;
  }
  const setSessionCookie = (token: string, expiresAt: Date) =>
    res.appendHeader('Set-Cookie', sessionCookie(token, expiresAt, deps.secureCookies));
  const presentedToken = readCookie(credentials.cookie, SESSION_COOKIE);
  if (caller.kind === 'user' && caller.renewed && presentedToken) {
    setSessionCookie(presentedToken, caller.sessionExpiresAt);
  }
  return {
    ...deps,
    caller,
    credentials,
    credentialError,
    req,
    setSessionCookie,
    clearSessionCookie: () => res.appendHeader('Set-Cookie', blankSessionCookie(deps.secureCookies)),
  };
}
