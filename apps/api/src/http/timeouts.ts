import type { ServerOptions } from 'node:http';

export interface RequestTimeouts {
  /** How long a client may take to send a request's headers. */
  headersMs: number;
  /** How long a client may take to send a whole request, body included; never limits the response. */
  requestMs: number;
  /**
   * How long an idle connection stays open for the client's next request. Longer than the 60 s that
   * proxies and load balancers keep theirs (nginx's `keepalive_timeout`, AWS ALB's idle timeout), so
   * they never send a request on a connection the server is closing: that request would be lost, and a
   * proxy does not send a POST again.
   */
  keepAliveMs: number;
}

export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 65_000,
};

/** Node looks for connections past their time this often (30 s by default): cuts come within a second. */
const MAX_CHECKING_INTERVAL_MS = 1000;

/**
 * Node's own timeouts for receiving requests: a client that trickles headers or a body is answered 408
 * and disconnected. They end once the request is received, so event streams (long responses to short
 * requests) are never cut by them.
 */
export function serverTimeouts({ headersMs, requestMs, keepAliveMs }: RequestTimeouts): ServerOptions {
  return {
    headersTimeout: headersMs,
    requestTimeout: requestMs,
    keepAliveTimeout: keepAliveMs,
    connectionsCheckingInterval: Math.min(MAX_CHECKING_INTERVAL_MS, headersMs / 4),
  };
}

/** The timeouts from `HEADERS_TIMEOUT_SECONDS`, `REQUEST_TIMEOUT_SECONDS` and `KEEP_ALIVE_TIMEOUT_SECONDS`. */
export function requestTimeoutsFrom(
  headersSeconds: number,
  requestSeconds: number,
  keepAliveSeconds: number,
): RequestTimeouts {
  if (headersSeconds > requestSeconds)
    throw new Error(
      'Invalid configuration: HEADERS_TIMEOUT_SECONDS cannot be longer than REQUEST_TIMEOUT_SECONDS',
    );
  return {
    headersMs: headersSeconds * 1000,
    requestMs: requestSeconds * 1000,
    keepAliveMs: keepAliveSeconds * 1000,
  };
}
