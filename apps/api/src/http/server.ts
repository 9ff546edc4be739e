import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SSO_CALLBACK_PATH, SSO_START_PATH } from '@pulsestage/contracts';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { SSO_DEFAULTS } from '../auth/sso/options.js';
import { createSsoRoutes } from '../auth/sso/routes.js';
import { StreamLimits } from '../events/stream/stream-limits.js';
import { defaultRateLimits, retryAfterHeaders } from '../limits/rate-limits.js';
import { EMAIL_OFF_PREFIX } from '../notifications/links.js';
import { createLogger } from '../observability/logger.js';
import { METRICS_PATH, mainPortMetrics } from '../observability/metrics-endpoint.js';
import { loggedPath, logRequest } from '../observability/request-log.js';
import { VoteBatcher } from '../questions/vote-batcher.js';
import { appRouter } from '../router.js';
import { type AppDependencies, createContext } from '../trpc/context.js';
import { turnOffAnswerEmails } from './email-off-endpoint.js';
import { answerMethod, sendError, sendJson } from './responses.js';
import { createSecurityHeaders, inlineScriptHashes } from './security-headers.js';
import { createStaticHandler } from './static-files.js';
import { createStreamEndpoints } from './stream-endpoints.js';
import { DEFAULT_REQUEST_TIMEOUTS, type RequestTimeouts, serverTimeouts } from './timeouts.js';

interface AppOptions extends Omit<AppDependencies, 'votes'> {
  webDist: string;
  /** How many upvotes and removals of one tenant one transaction takes at most (256 by default). */
  upvoteGroupMax?: number;
  /**
   * Who writes `events.subscribe` streams: the stream engine (default), or tRPC's own producer
   * (one stream pipeline per subscriber; kept to measure against).
   */
  trpcStreams?: 'engine' | 'trpc';
  /** A stream consumer whose unsent data grows past this is cut off and resumes from its last id. */
  maxBufferedBytes?: number;
  /** How long a client may take to send a request's headers, and all of it (10 s and 30 s by default). */
  requestTimeouts?: RequestTimeouts;
  log?: (message: string, error?: unknown) => void;
  /** Where each request's line goes (`observability/request-log.ts`); absent: nowhere. */
  logger?: Logger;
  /** `/metrics` is served here to requests with `Authorization: Bearer <metricsToken>`; absent: 404. */
  metricsToken?: string;
}

interface App {
  server: Server;
  /** Cuts every open event stream so its client reconnects (to another instance, when shutting down). */
  dropStreams(): void;
}

const MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
const TRPC_STREAM_PATH = '/trpc/events.subscribe';
const STREAM_PATHS = new Set(['/events', TRPC_STREAM_PATH]);
const SSO_PATHS = new Set([SSO_START_PATH, SSO_CALLBACK_PATH]);

/** The methods each API path serves (HEAD on /trpc is tRPC's own empty answer); the web app's are its own. */
function allowedMethods(pathname: string): readonly string[] | undefined {
  if (pathname === '/healthz' || pathname === '/readyz') return ['GET', 'HEAD', 'OPTIONS'];
  if (STREAM_PATHS.has(pathname) || SSO_PATHS.has(pathname)) return ['GET', 'OPTIONS'];
  if (pathname === '/trpc' || pathname.startsWith('/trpc/')) return ['GET', 'HEAD', 'POST', 'OPTIONS'];
  return undefined;
}

export function createApp(options: AppOptions): App {
  const { db, log = console.error } = options;
  const streamLimits = options.streamLimits ?? new StreamLimits();
  const votes = new VoteBatcher(db, (tenantId) => options.hub.announce(tenantId), options.upvoteGroupMax);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) => createContext({ ...options, streamLimits, votes }, req, res),
    responseMeta: ({ errors }) => retryAfterHeaders(errors),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log(`tRPC ${path ?? '(unknown)'} failed`, error);
    },
  });
  const streams = createStreamEndpoints({
    db,
    engine: options.engine,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    limits: streamLimits,
    trustedProxies: options.trustedProxies,
    secureCookies: options.secureCookies,
  });
  const setSecurityHeaders = createSecurityHeaders({
    db,
    https: options.secureCookies,
    scriptHashes: inlineScriptHashes(options.webDist),
    log,
  });
  const engineServesTrpc = (options.trpcStreams ?? 'engine') === 'engine';
  const limits = options.limits ?? defaultRateLimits();
  const sso = createSsoRoutes({
    db,
    sso: options.sso ?? SSO_DEFAULTS,
    secureCookies: options.secureCookies,
    publicUrl: options.publicUrl,
    log,
    limits,
    trustedProxies: options.trustedProxies,
  });
  const serveStatic = createStaticHandler(options.webDist);
  const openStreams = new Set<ServerResponse>();
  const serveMetrics = mainPortMetrics(options.metricsToken);
  const logger = options.logger ?? createLogger('silent');

  async function readiness(res: ServerResponse): Promise<void> {
    try {
      await sql`select 1`.execute(db);
      sendJson(res, 200, { status: 'ready' });
    } catch (error) {
      log('readiness check failed', error);
      sendJson(res, 503, { status: 'unavailable' });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await setSecurityHeaders(req, res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { pathname } = url;
    const allowed = allowedMethods(pathname);
    if (allowed && answerMethod(req, res, allowed)) return;
    if (pathname === METRICS_PATH) return serveMetrics(req, res);
    if (STREAM_PATHS.has(pathname)) {
      openStreams.add(res);
      res.on('close', () => openStreams.delete(res));
    }
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (pathname === '/readyz') return readiness(res);
    if (pathname === '/events') return streams.plain(req, res, url);
    if (pathname === SSO_START_PATH) return sso.start(req, res, url);
    if (pathname === SSO_CALLBACK_PATH) return sso.callback(req, res, url);
    if (pathname === TRPC_STREAM_PATH && engineServesTrpc) return streams.trpc(req, res, url);
    const oversizedBatch = pathname.startsWith('/trpc/') && limits.oversizedBatch(url);
    if (oversizedBatch) return sendError(res, 'BAD_REQUEST', oversizedBatch);
    if (pathname === '/trpc' || pathname.startsWith('/trpc/')) return trpc(req, res);
    if (req.method === 'POST' && pathname.startsWith(EMAIL_OFF_PREFIX))
      return turnOffAnswerEmails({ db, limits, trustedProxies: options.trustedProxies }, req, res);
    return serveStatic(req, res, pathname);
  }

  const timeouts = serverTimeouts(options.requestTimeouts ?? DEFAULT_REQUEST_TIMEOUTS);
  const server = createServer(timeouts, (req, res) => {
    const requestId = logRequest(logger, req, res);
    route(req, res).catch((error: unknown) => {
      log(`${req.method} ${loggedPath(req.url)} failed (request ${requestId})`, error);
      if (!res.headersSent) sendError(res, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else res.destroy();
    });
  });
  return {
    server,
    dropStreams: () => {
      for (const res of openStreams) res.destroy();
    },
  };
}
