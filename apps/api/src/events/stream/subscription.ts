import { resolveVersions, type VersionSelection } from '@pulsestage/contracts';
import { currentRole, type TenantAccess } from '../../auth/access.js';
import { type Caller, callerKey, type RequestCredentials } from '../../auth/credentials.js';
import type { Database } from '../../db/schema.js';
import { parseLastEventId, type SubscribeRequest } from './engine.js';

export interface SubscriptionInput {
  lastEventId?: string | null | undefined;
  versions?: VersionSelection | undefined;
  meetingId?: string | undefined;
}

/**
 * What a stream request asks for: the tenant, and the rest (resume point, versions, meeting), which is read
 * only once the caller's access is known, in the order tRPC's procedure checks them.
 */
export interface StreamQuery {
  tenant: string;
  rest(): SubscriptionInput;
}

/** Who opens a stream: the caller its credentials resolved to, and those credentials for re-checks. */
interface StreamCaller {
  caller: Caller;
  credentials: RequestCredentials;
}

/** What the engine needs to serve one subscriber, whichever transport it came through. */
export function subscribeRequest(
  db: Database,
  access: TenantAccess,
  { caller, credentials }: StreamCaller,
  input: SubscriptionInput,
): SubscribeRequest {
  const key = callerKey(caller);
  return {
    tenant: access.tenant,
    role: access.actor.role,
    callerKey: key,
    recheckAccess: () => currentRole(db, credentials, access.tenant.slug, key),
    lastEventId: parseLastEventId(input.lastEventId),
    versions: resolveVersions(input.versions),
    meetingId: input.meetingId ?? null,
  };
}
