import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

const REQUEST_ID_HEADER = 'x-request-id';

/** An incoming id is kept when it is this short and plain; anything else gets a new one. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const LONGEST_LOGGED_PATH = 200;
/**
 * Web app routes whose last segment is a credential (`apps/web/src/app.tsx`): the check-in link's
 * token, a notification email's "turn off" token, a join link's code, a meeting code. Their lines show
 * the route instead.
 */
const CREDENTIAL_ROUTES: [RegExp, string][] = [
  [/^\/pulse\/r\/[^/]+/, '/pulse/r/:token'],
  [/^\/notifications\/email-off\/[^/]+/, '/notifications/email-off/:token'],
  [/^\/join\/[^/]+/, '/join/:code'],
  [/^\/j\/[^/]+/, '/j/:code'],
];
/** Probes and scrapes come every few seconds: their lines are debug, not info. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** The path as logged: no query string (one-tap links carry tokens there), no credential segment. */
export function loggedPath(url: string | undefined): string {
  const withQuery = url ?? '/';
  const path = CREDENTIAL_ROUTES.reduce(
    (masked, [route, shown]) => masked.replace(route, shown),
    withQuery.split(/[?#]/, 1)[0] ?? '/',
  );
  return path.length > LONGEST_LOGGED_PATH ? `${path.slice(0, LONGEST_LOGGED_PATH)}…` : path;
}

/**
 * Gives the request its id (echoed in `X-Request-Id`) and writes one line when its response ends or
 * the client leaves: method, path, status, duration and id; never headers, query strings or bodies.
 */
export function logRequest(logger: Logger, req: IncomingMessage, res: ServerResponse): string {
  const requestId = requestIdOf(req);
  const started = performance.now();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  res.once('close', () => {
    const path = loggedPath(req.url);
    const level = QUIET_PATHS.has(path) ? 'debug' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    logger[level]({ method: req.method, path, status: res.statusCode, durationMs, requestId }, 'request');
  });
  return requestId;
}
