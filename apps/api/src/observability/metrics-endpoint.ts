import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { answerMethod, sendError } from '../http/responses.js';
import type { Log } from './logger.js';
import { metricsRegistry } from './metrics.js';
import { logRequest } from './request-log.js';

export const METRICS_PATH = '/metrics';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `Authorization: Bearer <token>`, compared in constant time (digests: equal lengths, whatever was sent). */
function carriesToken(req: IncomingMessage, token: string): boolean {
  const presented = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/** `/metrics` in the Prometheus text format, to requests carrying `token` when one is given. */
function metricsHandler(token: string | undefined): Handler {
  return async (req, res) => {
    if (answerMethod(req, res, ['GET', 'OPTIONS'])) return;
    if (token !== undefined && !carriesToken(req, token)) {
      return sendError(res, 'UNAUTHORIZED', 'Metrics need Authorization: Bearer <METRICS_TOKEN>', {
        'www-authenticate': 'Bearer realm="metrics"',
      });
    }
    const body = await metricsRegistry.metrics();
    res.writeHead(200, { 'content-type': metricsRegistry.contentType, 'cache-control': 'no-store' });
    res.end(body);
  };
}

const notServed: Handler = async (_req, res) => sendError(res, 'NOT_FOUND', 'No such path');

/** `/metrics` on the main port: only with a token, else it is not there at all (404). */
export function mainPortMetrics(token: string | undefined): Handler {
  return token === undefined ? notServed : metricsHandler(token);
}

interface MetricsListenerOptions {
  host: string;
  port: number;
  /** Required of every scrape when set. */
  token: string | undefined;
  logger: Logger;
  log: Log;
}

/** A listener of its own that serves `/metrics` and nothing else; resolves once it listens. */
export async function startMetricsListener(options: MetricsListenerOptions): Promise<Server> {
  const serveMetrics = metricsHandler(options.token);
  const server = createServer((req, res) => {
    logRequest(options.logger, req, res);
    const path = (req.url ?? '/').split('?', 1)[0];
    const handle = path === METRICS_PATH ? serveMetrics : notServed;
    handle(req, res).catch((error: unknown) => {
      options.log('serving metrics failed', error);
      if (!res.headersSent) sendError(res, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
