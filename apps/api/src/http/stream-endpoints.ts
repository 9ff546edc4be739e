import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventsSubscribeInput, tenantSlug } from '@pulsestage/contracts';
import { TRPCError } from '@trpc/server';
import { type ZodError, z } from 'zod';
import { resolveTenantAccess } from '../auth/access.js';
import { identifyCaller, type RequestCredentials } from '../auth/credentials.js';
import type { Database } from '../db/schema.js';
import { DomainError, type DomainErrorCode } from '../errors.js';
import type { StreamEngine, SubscribeRequest } from '../events/stream/engine.js';
import { errorFrame, type Framing, openingFrame, SSE_HEADERS } from '../events/stream/frames.js';
import { HttpSink } from '../events/stream/sinks.js';
import { type SubscriptionInput, subscribeRequest } from '../events/stream/subscription.js';
import { SSE_CLIENT_OPTIONS, trpcErrorShape } from '../trpc/trpc.js';
import { sendError } from './responses.js';

export interface StreamEndpointOptions {
  db: Database;
  engine: StreamEngine;
  /** A consumer whose unsent data grows past this is cut off and resumes from its last id. */
  maxBufferedBytes: number;
}

const STATUS: Record<DomainErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
};

const SUBSCRIBE_PATH = 'events.subscribe';

const opening = (framing: Framing) => openingFrame(framing, SSE_CLIENT_OPTIONS);

/**
 * What a stream request asks for: the tenant, and the rest (resume point, versions), which is read
 * only once the caller's access is known, in the order tRPC's procedure checks them.
 */
interface StreamQuery {
  tenant: string;
  rest(): SubscriptionInput;
}

/**
 * An EventSource resends the last id it saw in the Last-Event-ID header when it reconnects, which is
 * newer than any id in the URL it first opened; tRPC's own handler gives the header the same priority.
 */
function resumeId(req: IncomingMessage, url: URL): string | null {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string') return header;
  return url.searchParams.get('lastEventId') ?? url.searchParams.get('Last-Event-Id');
}

function plainQuery(req: IncomingMessage, url: URL): StreamQuery {
  const tenant = tenantSlug.safeParse(url.searchParams.get('tenant') ?? '');
  if (!tenant.success)
    throw new DomainError('BAD_REQUEST', 'tenant: give the organization, as ?tenant=<slug>');
  return { tenant: tenant.data, rest: () => ({ lastEventId: resumeId(req, url) }) };
}

function validated<T>(result: { success: true; data: T } | { success: false; error: ZodError }): T {
  if (!result.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: result.error });
  return result.data;
}

/** The `input` tRPC's httpSubscriptionLink sends, validated exactly as the procedure declares it. */
function trpcQuery(req: IncomingMessage, url: URL): StreamQuery {
  let raw: unknown;
  try {
    raw = JSON.parse(url.searchParams.get('input') ?? 'null');
  } catch {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'input: is not valid JSON' });
  }
  const lastEventId = resumeId(req, url);
  if (lastEventId && typeof raw === 'object' && raw !== null) raw = { ...raw, lastEventId };
  const { tenant } = validated(z.object({ tenant: tenantSlug }).safeParse(raw));
  return { tenant, rest: () => validated(eventsSubscribeInput.safeParse(raw)) };
}

/**
 * `GET /events` (plain SSE) and `GET /trpc/events.subscribe` (tRPC's SSE protocol), both served by the
 * stream engine. Refusals before the stream starts are plain HTTP errors on `/events` and, as tRPC
 * clients expect, a `serialized-error` event on the tRPC stream.
 */
export function createStreamEndpoints(options: StreamEndpointOptions) {
  const { db, engine } = options;

  async function open(req: IncomingMessage, query: StreamQuery): Promise<SubscribeRequest> {
    const credentials: RequestCredentials = {
      cookie: req.headers.cookie,
      authorization: req.headers.authorization,
    };
    const caller = await identifyCaller(db, credentials);
    const access = await resolveTenantAccess(db, caller, query.tenant, 'read');
    const request = subscribeRequest(db, access, { caller, credentials }, query.rest());
    await engine.checkLastEventId(access.tenant.id, request.lastEventId);
    return request;
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    framing: Framing,
    query: () => StreamQuery,
  ) {
    let request: SubscribeRequest;
    try {
      request = await open(req, query());
    } catch (error) {
      if (framing === 'trpc' && (error instanceof DomainError || error instanceof TRPCError)) {
        res.writeHead(200, SSE_HEADERS);
        res.end(opening(framing) + errorFrame(trpcErrorShape(error, SUBSCRIBE_PATH)));
        return;
      }
      if (!(error instanceof DomainError)) throw error;
      return sendError(res, STATUS[error.code], error.code, error.message);
    }
    const sink = new HttpSink(res, framing, opening(framing), options.maxBufferedBytes, (error) =>
      trpcErrorShape(error, SUBSCRIBE_PATH),
    );
    await engine.subscribe(request, sink);
  }

  return {
    /** Only GET requests come here: the server answers every other method itself. */
    plain: (req: IncomingMessage, res: ServerResponse, url: URL) =>
      serve(req, res, 'plain', () => plainQuery(req, url)),
    trpc: (req: IncomingMessage, res: ServerResponse, url: URL) =>
      serve(req, res, 'trpc', () => trpcQuery(req, url)),
  };
}
