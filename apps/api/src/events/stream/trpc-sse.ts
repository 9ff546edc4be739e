import type { IncomingMessage } from 'node:http';
import { eventsSubscribeInput, tenantSlug } from '@pulsestage/contracts';
import {
  type AnyTRPCRootTypes,
  getTRPCErrorShape,
  type TRPC_ERROR_CODE_KEY,
  TRPCError,
  type TRPCRootConfig,
} from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { type ZodError, z } from 'zod';
import type { StreamQuery } from './subscription.js';

/*
 * tRPC's SSE wire protocol, as httpSubscriptionLink reads it and tRPC's own producer writes it:
 * everything the engine must write or read exactly as tRPC does, so a tRPC upgrade is checked here.
 */

/** The named events of the protocol; events without a name carry data. */
const TRPC_SSE_EVENT = {
  connected: 'connected',
  ping: 'ping',
  serializedError: 'serialized-error',
} as const;

/** The one subscription whose streams the engine writes itself. */
const SUBSCRIBE_PATH = 'events.subscribe';

/** Pings keep idle streams open through proxies; a client that hears nothing for longer reconnects. */
export const SSE_PING_MS = 15_000;
export const SSE_CLIENT_OPTIONS = { reconnectAfterInactivityMs: 40_000 };

/** `initTRPC`'s `sse` option, for the streams tRPC's own producer writes. */
export const TRPC_SSE_CONFIG = {
  ping: { enabled: true, intervalMs: SSE_PING_MS },
  client: SSE_CLIENT_OPTIONS,
};

/**
 * Pings must come more often than clients give up on a silent stream, or every idle client reconnects
 * for nothing. tRPC's producer finds out only when a stream opens; this refuses to start instead.
 */
export function checkPingInterval(
  pingMs: number,
  reconnectAfterInactivityMs = SSE_CLIENT_OPTIONS.reconnectAfterInactivityMs,
): void {
  if (pingMs < reconnectAfterInactivityMs) return;
  throw new Error(
    `The tRPC stream ping interval (${pingMs} ms) must be shorter than the clients' reconnect-after-inactivity timeout (${reconnectAfterInactivityMs} ms), or idle clients reconnect for nothing`,
  );
}

function namedFrame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** The first frame: it tells the client its options. */
export const CONNECTED_FRAME = namedFrame(TRPC_SSE_EVENT.connected, JSON.stringify(SSE_CLIENT_OPTIONS));
export const PING_FRAME = namedFrame(TRPC_SSE_EVENT.ping, '');

/** A tracked item: `data`, then `id`, the order tRPC writes them in. */
export function dataFrame(id: string, json: string): string {
  return `data: ${json}\nid: ${id}\n\n`;
}

/** Ends the subscription with a typed error: the client stops instead of reconnecting. */
export function serializedErrorFrame(errorShape: unknown): string {
  return namedFrame(TRPC_SSE_EVENT.serializedError, JSON.stringify(errorShape));
}

/** The error as tRPC serializes it on the subscription, the root's error formatter included. */
export function subscriptionErrorShape<TRoot extends AnyTRPCRootTypes>(
  config: TRPCRootConfig<TRoot>,
  error: TRPCError,
): TRoot['errorShape'] {
  return getTRPCErrorShape({
    config,
    error,
    type: 'subscription',
    path: SUBSCRIBE_PATH,
    input: undefined,
    ctx: undefined,
  });
}

/** The HTTP status tRPC answers an error code with. */
export function httpStatusOf(code: TRPC_ERROR_CODE_KEY): number {
  return getHTTPStatusCodeFromError(new TRPCError({ code }));
}

/**
 * An EventSource resends the last id it saw in the Last-Event-ID header when it reconnects, which is
 * newer than any id in the URL it first opened; tRPC's own handler gives the header the same priority.
 */
export function resumeId(req: IncomingMessage, url: URL): string | null {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string') return header;
  return url.searchParams.get('lastEventId') ?? url.searchParams.get('Last-Event-Id');
}

function validated<T>(result: { success: true; data: T } | { success: false; error: ZodError }): T {
  if (!result.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: result.error });
  return result.data;
}

/** The `input` httpSubscriptionLink sends, validated exactly as the procedure declares it. */
export function subscribeQuery(req: IncomingMessage, url: URL): StreamQuery {
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
