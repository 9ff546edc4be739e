import { HEARTBEAT } from '@pulsestage/contracts';
import { CONNECTED_FRAME, dataFrame, PING_FRAME } from './trpc-sse.js';

/**
 * The two SSE wire formats. `trpc` is what tRPC's httpSubscriptionLink reads (see trpc-sse.ts);
 * `plain` is the format of `GET /events` (`id` then `data`, heartbeat data events without id).
 */
export type Framing = 'trpc' | 'plain';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export function openingFrame(framing: Framing): string {
  return framing === 'trpc' ? CONNECTED_FRAME : ': connected\n\n';
}

export function eventFrame(framing: Framing, id: string, json: string): string {
  return framing === 'trpc' ? dataFrame(id, json) : `id: ${id}\ndata: ${json}\n\n`;
}

/**
 * An event that is not in the outbox (heartbeat, presence): data without an id, so it never moves a
 * client's resume point. Both framings write it alike (tRPC writes untracked data this way).
 */
export function untrackedFrame(json: string): string {
  return `data: ${json}\n\n`;
}

/**
 * Only an id: it sets an EventSource's last event id without dispatching anything (WHATWG HTML,
 * "dispatch the event"), so a stream opened without one still resumes from where it began.
 */
export function positionFrame(id: number): string {
  return `id: ${id}\n\n`;
}

export function keepAliveFrame(framing: Framing, tenantId: string, now = Date.now()): string {
  if (framing === 'trpc') return PING_FRAME;
  return untrackedFrame(
    JSON.stringify({ type: HEARTBEAT, tenantId, data: { timestamp: now }, timestamp: now }),
  );
}
