import { HEARTBEAT } from '@pulsestage/contracts';

/**
 * The two SSE wire formats. `trpc` is what tRPC's httpSubscriptionLink reads (a `connected` event
 * carrying the client options, `data` then `id` per event, `ping`, `serialized-error`); `plain` is
 * the seed format of `GET /events` (`id` then `data`, heartbeat data events without id).
 */
export type Framing = 'trpc' | 'plain';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export function openingFrame(framing: Framing, clientOptions: object): string {
  return framing === 'trpc'
    ? `event: connected\ndata: ${JSON.stringify(clientOptions)}\n\n`
    : ': connected\n\n';
}

export function eventFrame(framing: Framing, id: string, json: string): string {
  return framing === 'trpc' ? `data: ${json}\nid: ${id}\n\n` : `id: ${id}\ndata: ${json}\n\n`;
}

/**
 * Only an id: it sets an EventSource's last event id without dispatching anything (WHATWG HTML,
 * "dispatch the event"), so a stream opened without one still resumes from where it began.
 */
export function positionFrame(id: number): string {
  return `id: ${id}\n\n`;
}

export function keepAliveFrame(framing: Framing, tenantId: string, now = Date.now()): string {
  if (framing === 'trpc') return 'event: ping\ndata: \n\n';
  return `data: ${JSON.stringify({ type: HEARTBEAT, tenantId, data: { timestamp: now }, timestamp: now })}\n\n`;
}

export function errorFrame(serializedError: unknown): string {
  return `event: serialized-error\ndata: ${JSON.stringify(serializedError)}\n\n`;
}
