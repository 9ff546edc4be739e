import { countDeliveries, metrics } from './metrics.js';

export type StreamTransport = 'trpc' | 'plain' | 'items';

/** What the stream engine and the hub report, for `/metrics`. */
export interface StreamMetrics {
  streamOpened(tenantId: string, transport: StreamTransport): void;
  streamClosed(tenantId: string, transport: StreamTransport): void;
  /** Events handed to subscribers (summed over subscribers). */
  delivered(events: number): void;
  /** Superseded events dropped before writing. */
  conflated(events: number): void;
  slowConsumerCut(): void;
  /**
   * One call per event the hub read from the outbox: when it was committed and when it was read. Pulse
   * answers' envelope times are truncated to the hour: they are no commit time and must not come here.
   */
  outboxRead(committedAtMs: number, readAtMs: number): void;
}

export const NO_STREAM_METRICS: StreamMetrics = {
  streamOpened: () => {},
  streamClosed: () => {},
  delivered: () => {},
  conflated: () => {},
  slowConsumerCut: () => {},
  outboxRead: () => {},
};

/**
 * The stream metrics of this process. A tenant's open-stream series is removed when its last stream
 * closes, so the gauge has series only for tenants with streams open now.
 */
function prometheusStreamMetrics(): StreamMetrics {
  const open = new Map<string, number>();
  const keyOf = (tenant: string, transport: StreamTransport) => `${transport}:${tenant}`;
  return {
    streamOpened(tenant, transport) {
      const key = keyOf(tenant, transport);
      open.set(key, (open.get(key) ?? 0) + 1);
      metrics.openStreams.labels(tenant, transport).inc();
    },
    streamClosed(tenant, transport) {
      const key = keyOf(tenant, transport);
      const left = (open.get(key) ?? 0) - 1;
      if (left > 0) {
        open.set(key, left);
        metrics.openStreams.labels(tenant, transport).dec();
      } else {
        open.delete(key);
        metrics.openStreams.remove(tenant, transport);
      }
    },
    delivered: countDeliveries,
    conflated: (events) => metrics.eventsConflated.inc(events),
    slowConsumerCut: () => metrics.slowConsumersCut.inc(),
    // Clocks of two machines (the database's commit time, this instance's) may disagree a little.
    outboxRead: (committedAtMs, readAtMs) =>
      metrics.outboxLag.observe(Math.max(0, readAtMs - committedAtMs) / 1000),
  };
}

export const streamMetrics: StreamMetrics = prometheusStreamMetrics();
