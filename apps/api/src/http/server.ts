import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { sql } from 'kysely';
import { appRouter } from '../router.js';
import { type AppDependencies, createContext } from '../trpc/context.js';
import { createEventsEndpoint } from './events-endpoint.js';
import { sendError, sendJson } from './responses.js';
import { createStaticHandler } from './static-files.js';

export interface AppOptions extends AppDependencies {
  webDist: string;
  /** Interval of the `heartbeat` data events on `GET /events`. */
  heartbeatMs: number;
  log?: (message: string, error?: unknown) => void;
}

export interface App {
  server: Server;
  /** Cuts every open event stream so its client reconnects (to another instance, when shutting down). */
  dropStreams(): void;
}

const MAX_BODY_BYTES = 256 * 1024;
const STREAM_PATHS = new Set(['/events', '/trpc/events.subscribe']);

export function createApp(options: AppOptions): App {
  const { db, log = console.error } = options;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) => createContext(options, req, res),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log(`tRPC ${path ?? '(unknown)'} failed`, error);
    },
  });
  const events = createEventsEndpoint({ db, hub: options.hub, heartbeatMs: options.heartbeatMs, log });
  const serveStatic = createStaticHandler(options.webDist);
  const openStreams = new Set<ServerResponse>();

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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { pathname } = url;
    if (STREAM_PATHS.has(pathname)) {
      openStreams.add(res);
      res.on('close', () => openStreams.delete(res));
    }
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (pathname === '/readyz') return readiness(res);
    if (pathname === '/events') return events(req, res, url);
    if (pathname === '/trpc' || pathname.startsWith('/trpc/')) return trpc(req, res);
    return serveStatic(req, res, pathname);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log(`${req.method} ${req.url} failed`, error);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
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
