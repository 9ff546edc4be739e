import {
  type ResolvedVersions,
  STREAM_RESYNC,
  type StreamEvent,
  toVersion,
  wireName,
} from '@pulsestage/contracts';
import { type AccessRole, hasPermission } from '../auth/permissions.js';
import type { Database } from '../db/schema.js';
import { badRequest, forbidden } from '../errors.js';
import type { TenantRecord } from '../tenants/repository.js';
import type { EventHub } from './hub.js';
import { Inbox } from './inbox.js';
import type { Audience } from './outbox.js';
import { lastSequence, oldestRetainedSequence, readEventsAfter, type StoredEvent } from './outbox-reader.js';

export interface StreamItem {
  /** The SSE id: the tenant sequence number, which a client sends back to resume. */
  id: string;
  event: StreamEvent;
}

export interface StreamRequest {
  tenant: TenantRecord;
  role: AccessRole;
  /** Checks the caller's credentials again; null when they no longer grant reading this tenant. */
  recheckAccess: () => Promise<AccessRole | null>;
  lastEventId: number | undefined;
  versions: ResolvedVersions;
  signal: AbortSignal;
}

export interface StreamDependencies {
  db: Database;
  hub: EventHub;
}

const LAST_EVENT_ID = /^\d{1,15}$/;

/** A Last-Event-ID as a sequence number; anything else is refused rather than replayed from zero. */
export function parseLastEventId(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!LAST_EVENT_ID.test(value))
    throw badRequest('lastEventId: must be an event id received from this stream');
  return Number(value);
}

function reaches(audience: Audience, role: AccessRole): boolean {
  return audience === 'all' || hasPermission(role, 'moderate');
}

function toItem(event: StoredEvent, tenantId: string, versions: ResolvedVersions): StreamItem {
  const version = versions[event.type];
  return {
    id: String(event.seq),
    event: {
      type: wireName(event.type, version),
      tenantId,
      data: toVersion(event, version),
      timestamp: event.timestamp,
    } as StreamEvent,
  };
}

function resyncItem(position: number, tenantId: string, lastEventId: number): StreamItem {
  return {
    id: String(position),
    event: {
      type: STREAM_RESYNC,
      tenantId,
      data: { reason: `Events after ${lastEventId} are no longer kept; refetch the current state` },
      timestamp: Date.now(),
    },
  };
}

type InboxItem = { kind: 'events'; events: readonly StoredEvent[] } | { kind: 'recheck' };

/**
 * Opens a tenant's event stream for one subscriber. Validation happens before the stream starts so
 * transports can answer with a plain error; the returned generator then listens first, backfills
 * from the outbox after `lastEventId`, and goes live with no gap and no duplicate at the seam.
 */
export async function openTenantStream(
  deps: StreamDependencies,
  request: StreamRequest,
): Promise<AsyncGenerator<StreamItem>> {
  const { lastEventId, tenant } = request;
  if (lastEventId !== undefined) {
    const last = await lastSequence(deps.db, tenant.id);
    if (lastEventId > last)
      throw badRequest(`lastEventId: ${lastEventId} is ahead of this stream (last is ${last})`);
  }
  return streamEvents(deps, request);
}

async function* streamEvents(deps: StreamDependencies, request: StreamRequest): AsyncGenerator<StreamItem> {
  const { tenant, versions, signal, lastEventId } = request;
  let role = request.role;
  const inbox = new Inbox<InboxItem>(signal);
  const feed = await deps.hub.listen(tenant.id, (events) => inbox.push({ kind: 'events', events }));
  const stopWatching = deps.hub.watchAccess(tenant.id, () => inbox.push({ kind: 'recheck' }));
  let cursor = lastEventId ?? feed.position;
  const deliver = (event: StoredEvent): StreamItem | undefined => {
    if (event.seq <= cursor) return undefined;
    cursor = event.seq;
    return reaches(event.audience, role) ? toItem(event, tenant.id, versions) : undefined;
  };

  try {
    if (lastEventId !== undefined && lastEventId < feed.position) {
      const oldest = await oldestRetainedSequence(deps.db, tenant.id);
      if (oldest === undefined || oldest > lastEventId + 1) {
        cursor = feed.position;
        yield resyncItem(feed.position, tenant.id, lastEventId);
      }
      while (cursor < feed.position && !signal.aborted) {
        const page = await readEventsAfter(deps.db, tenant.id, cursor, feed.position);
        if (page.length === 0) break;
        for (const event of page) {
          const item = deliver(event);
          if (item) yield item;
        }
      }
    }
    for await (const entry of inbox.drain()) {
      if (entry.kind === 'recheck') {
        const current = await request.recheckAccess();
        if (!current) throw forbidden('Your access to this organization has ended');
        role = current;
        continue;
      }
      for (const event of entry.events) {
        const item = deliver(event);
        if (item) yield item;
      }
    }
  } finally {
    feed.stop();
    stopWatching();
  }
}
