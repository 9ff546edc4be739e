import type { IncomingMessage, ServerResponse } from 'node:http';
import { tenantSlug, uuid } from '@pulsestage/contracts';
import { TRPCError } from '@trpc/server';
import { resolveTenantAccess } from '../auth/access.js';
import { identifyCaller, requestCredentials } from '../auth/credentials.js';
import type { Database } from '../db/schema.js';
import { badRequest, DomainError } from '../errors.js';
import type { StreamEngine, SubscribeRequest } from '../events/stream/engine.js';
import { type Framing, openingFrame, SSE_HEADERS } from '../events/stream/frames.js';
import { HttpSink } from '../events/stream/sinks.js';
import type { StreamLimits } from '../events/stream/stream-limits.js';
import { type StreamQuery, subscribeRequest } from '../events/stream/subscription.js';
import { resumeId, serializedErrorFrame, subscribeQuery } from '../events/stream/trpc-sse.js';
import { subscriptionError } from '../trpc/trpc.js';
import { clientAddress, type TrustedProxies } from './client-address.js';
import { sendError } from './responses.js';

interface StreamEndpointOptions {
  db: Database;
  engine: StreamEngine;
  /** A consumer whose unsent data grows past this is cut off and resumes from its last id. */
  maxBufferedBytes: number;
  /** Open streams per credential and per client address. */
  limits: StreamLimits;
  /** Proxies whose `X-Forwarded-For` names the client, for the per-address limit. */
  trustedProxies: TrustedProxies | undefined;
  /** Credential cookies go by their `__Host-` names (production, behind HTTPS). */
  secureCookies: boolean;
}

/** `?meetingId=`: absent for the whole tenant; anything but a uuid is refused rather than ignored. */
function meetingFilter(url: URL): string | undefined {
  const value = url.searchParams.get('meetingId');
  if (value === null) return undefined;
  const meetingId = uuid.safeParse(value);
  if (!meetingId.success) throw badRequest('meetingId: must be the id of a meeting, as ?meetingId=<uuid>');
  return meetingId.data;
}

function plainQuery(req: IncomingMessage, url: URL): StreamQuery {
  const tenant = tenantSlug.safeParse(url.searchParams.get('tenant') ?? '');
  if (!tenant.success) throw badRequest('tenant: give the organization, as ?tenant=<slug>');
  return {
    tenant: tenant.data,
    rest: () => ({ lastEventId: resumeId(req, url), meetingId: meetingFilter(url) }),
  };
}

/**
 * `GET /events` (plain SSE) and `GET /trpc/events.subscribe` (tRPC's SSE protocol), both served by the
 * stream engine. Refusals before the stream starts are plain HTTP errors on `/events` and, as tRPC
 * clients expect, a `serialized-error` event on the tRPC stream.
 */
export function createStreamEndpoints(options: StreamEndpointOptions) {
  const { db, engine } = options;

  /** The stream's request once every check passed and it counts against the limits, with its release. */
  async function open(req: IncomingMessage, query: StreamQuery) {
    const credentials = requestCredentials(req, options.secureCookies);
    const caller = await identifyCaller(db, credentials);
    const access = await resolveTenantAccess(db, caller, query.tenant, 'read');
    const request = subscribeRequest(db, access, { caller, credentials }, query.rest());
    await engine.checkRequest(request);
    const release = options.limits.admit(caller, clientAddress(req, options.trustedProxies));
    return { request, release };
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    framing: Framing,
    query: () => StreamQuery,
  ) {
    let request: SubscribeRequest;
    try {
      const admitted = await open(req, query());
      request = admitted.request;
      // However the stream ends (the client leaves, the server cuts it), it stops counting.
      if (res.closed) admitted.release();
      else res.once('close', admitted.release);
    } catch (error) {
      if (framing === 'trpc' && (error instanceof DomainError || error instanceof TRPCError)) {
        res.writeHead(200, SSE_HEADERS);
        res.end(openingFrame(framing) + serializedErrorFrame(subscriptionError(error)));
        return;
      }
      if (!(error instanceof DomainError)) throw error;
      const retryAfter = error.retryAfterSeconds;
      return sendError(
        res,
        error.code,
        error.message,
        retryAfter ? { 'retry-after': String(retryAfter) } : {},
      );
    }
    const sink = new HttpSink(
      res,
      framing,
      openingFrame(framing),
      options.maxBufferedBytes,
      subscriptionError,
    );
    await engine.subscribe(request, sink);
  }

  return {
    /** Only GET requests come here: the server answers every other method itself. */
    plain: (req: IncomingMessage, res: ServerResponse, url: URL) =>
      serve(req, res, 'plain', () => plainQuery(req, url)),
    trpc: (req: IncomingMessage, res: ServerResponse, url: URL) =>
      serve(req, res, 'trpc', () => subscribeQuery(req, url)),
  };
}
