import { resolveVersions, type VersionSelection } from '@pulsestage/contracts';
import { currentRole, type TenantAccess } from '../auth/access.js';
import type { RequestCredentials } from '../auth/credentials.js';
import { readCookie, SESSION_COOKIE } from '../auth/sessions.js';
import type { Database } from '../db/schema.js';
import { parseLastEventId, type SubscribeRequest } from './engine.js';

export interface SubscriptionInput {
  lastEventId?: string | null | undefined;
  versions?: VersionSelection | undefined;
}

/** What the engine needs to serve one subscriber, whichever transport it came through. */
export function subscribeRequest(
  db: Database,
  access: TenantAccess,
  credentials: RequestCredentials,
  input: SubscriptionInput,
): SubscribeRequest {
  return {
    tenant: access.tenant,
    role: access.actor.role,
    credentialsKey: credentials.authorization ?? readCookie(credentials.cookie, SESSION_COOKIE) ?? '',
    recheckAccess: () => currentRole(db, credentials, access.tenant.slug),
    lastEventId: parseLastEventId(input.lastEventId),
    versions: resolveVersions(input.versions),
  };
}
