import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEARTBEAT, resolveVersions, tenantSlug } from '@pulsestage/contracts';
import { currentRole, resolveTenantAccess } from '../auth/access.js';
import { identifyCaller, type RequestCredentials } from '../auth/credentials.js';
import type { Database } from '../db/schema.js';
import { DomainError, type DomainErrorCode } from '../errors.js';
import type { EventHub } from '../events/hub.js';
import { openTenantStream, parseLastEventId, type StreamItem } from '../events/stream.js';
import { sendError } from './responses.js';

export interface EventsEndpointOptions {
  db: Database;
  hub: EventHub;
  heartbeatMs: number;
  log: (message: string, error?: unknown) => void;
}

const STATUS: Record<DomainErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
};

export function formatEventFrame(item: StreamItem): string {
  return `id: ${item.id}\ndata: ${JSON.stringify(item.event)}\n\n`;
}

function heartbeatFrame(tenantId: string): string {
  const timestamp = Date.now();
  return `data: ${JSON.stringify({ type: HEARTBEAT, tenantId, data: { timestamp }, timestamp })}\n\n`;
}

/**
 * `GET /events?tenant=<slug>`: the seed's plain EventSource stream. Same events, order and ids as
 * `events.subscribe`; resumes from `Last-Event-ID` (or `?lastEventId=`); errors before the stream
 * starts are plain HTTP with a JSON body.
 */
export function createEventsEndpoint(options: EventsEndpointOptions) {
  const { db, hub } = options;

  async function open(req: IncomingMessage, url: URL, signal: AbortSignal) {
    const slug = tenantSlug.safeParse(url.searchParams.get('tenant') ?? '');
    if (!slug.success)
      throw new DomainError('BAD_REQUEST', 'tenant: give the organization, as ?tenant=<slug>');
    const credentials: RequestCredentials = {
      cookie: req.headers.cookie,
      authorization: req.headers.authorization,
    };
    const caller = await identifyCaller(db, credentials);
    const access = await resolveTenantAccess(db, caller, slug.data, 'read');
    const lastEventHeader = req.headers['last-event-id'];
    const stream = await openTenantStream(
      { db, hub },
      {
        tenant: access.tenant,
        role: access.actor.role,
        recheckAccess: () => currentRole(db, credentials, access.tenant.slug),
        lastEventId: parseLastEventId(
          typeof lastEventHeader === 'string' ? lastEventHeader : url.searchParams.get('lastEventId'),
        ),
        versions: resolveVersions(),
        signal,
      },
    );
    return { stream, tenantId: access.tenant.id };
  }

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET')
      return sendError(res, 405, 'METHOD_NOT_SUPPORTED', 'Use GET for the event stream');
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let opened: Awaited<ReturnType<typeof open>>;
    try {
      opened = await open(req, url, abort.signal);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return sendError(res, STATUS[error.code], error.code, error.message);
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const heartbeat = setInterval(() => res.write(heartbeatFrame(opened.tenantId)), options.heartbeatMs);
    try {
      for await (const item of opened.stream) res.write(formatEventFrame(item));
    } catch (error) {
      if (!(error instanceof DomainError)) options.log('event stream failed', error);
    } finally {
      clearInterval(heartbeat);
      res.end();
    }
  };
}
