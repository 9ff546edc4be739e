import type { TRPCError } from '@trpc/server';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type BudgetName, WINDOW_SECONDS } from '../limits/budgets.js';

/**
 * Every metric of this process, served on `/metrics` (`docs/operations.md` lists them). Labels stay
 * few and bounded: a procedure path, an error code, a limit's name, a bus kind, and a tenant's id
 * only on the open-stream gauge, whose series go away when a tenant's last stream closes.
 */
export const metricsRegistry = new Registry();

// The standard process_* and nodejs_* names, so ready-made Node.js dashboards work as they are.
collectDefaultMetrics({ register: metricsRegistry });

const registers = [metricsRegistry];

/**
 * Deliveries are counted for every subscriber of every write, tens of thousands a second: a plain sum,
 * added to the counter when it is read.
 */
let deliveriesSinceCollect = 0;

export function countDeliveries(events: number): void {
  deliveriesSinceCollect += events;
}

export type BusKind = 'postgres' | 'redis';

export const metrics = {
  openStreams: new Gauge({
    name: 'pulsestage_open_streams',
    help: 'Event streams open on this instance, per tenant id and transport',
    labelNames: ['tenant', 'transport'] as const,
    registers,
  }),
  eventsDelivered: new Counter({
    name: 'pulsestage_events_delivered_total',
    help: 'Events handed to stream subscribers, counted once per subscriber',
    registers,
    collect() {
      this.inc(deliveriesSinceCollect);
      deliveriesSinceCollect = 0;
    },
  }),
  eventsConflated: new Counter({
    name: 'pulsestage_events_conflated_total',
    help: 'Events dropped before writing because a newer event superseded them',
    registers,
  }),
  slowConsumersCut: new Counter({
    name: 'pulsestage_slow_consumers_cut_total',
    help: 'Stream subscribers cut off because they fell too far behind',
    registers,
  }),
  outboxLag: new Histogram({
    name: 'pulsestage_outbox_lag_seconds',
    help: "Seconds from an event's commit to this instance's hub reading it from the outbox",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  }),
  busReconnects: new Counter({
    name: 'pulsestage_bus_reconnects_total',
    help: 'Connections of the event bus re-established after they were lost, per bus kind',
    labelNames: ['bus'] as const,
    registers,
  }),
  mutationDuration: new Histogram({
    name: 'pulsestage_mutation_duration_seconds',
    help: 'Duration of tRPC mutations, per procedure and outcome (ok or the error code)',
    labelNames: ['procedure', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  }),
  rateLimitRefusals: new Counter({
    name: 'pulsestage_rate_limit_refusals_total',
    help: 'Calls refused by a rate limit, per limit',
    labelNames: ['limit'] as const,
    registers,
  }),
};

// Counters start at zero, so increase() and rate() see their first step.
for (const limit of Object.keys(WINDOW_SECONDS)) metrics.rateLimitRefusals.labels(limit).inc(0);
for (const bus of ['postgres', 'redis'] satisfies BusKind[]) metrics.busReconnects.labels(bus).inc(0);

export function countBusReconnect(bus: BusKind): void {
  metrics.busReconnects.labels(bus).inc();
}

export function countRateLimitRefusal(limit: BudgetName): void {
  metrics.rateLimitRefusals.labels(limit).inc();
}

/** What a tRPC middleware's `next()` resolves to, as far as timing cares. */
type CallResult = { ok: true } | { ok: false; error: TRPCError };

/** Runs a mutation and records how long it took, labelled with its path and how it ended. */
export async function timeMutation<Result extends CallResult>(
  procedure: string,
  run: () => Promise<Result>,
): Promise<Result> {
  const stop = metrics.mutationDuration.startTimer({ procedure });
  const result = await run();
  stop({ outcome: result.ok ? 'ok' : result.error.code });
  return result;
}
