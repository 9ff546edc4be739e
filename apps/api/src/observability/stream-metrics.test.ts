import { describe, expect, it } from 'vitest';
import { sampleValue } from '../test-support/metrics.js';
import { metricsRegistry } from './metrics.js';
import { NO_STREAM_METRICS, streamMetrics } from './stream-metrics.js';

const scrape = () => metricsRegistry.metrics();
const OPEN = 'pulsestage_open_streams';

describe('stream metrics on /metrics', () => {
  it('counts open streams per tenant and transport, and drops a tenant once its last stream closed', async () => {
    const [tenant, other] = [crypto.randomUUID(), crypto.randomUUID()];
    streamMetrics.streamOpened(tenant, 'plain');
    streamMetrics.streamOpened(tenant, 'plain');
    streamMetrics.streamOpened(tenant, 'trpc');
    streamMetrics.streamOpened(other, 'items');
    let text = await scrape();
    expect(sampleValue(text, OPEN, { tenant, transport: 'plain' })).toBe(2);
    expect(sampleValue(text, OPEN, { tenant, transport: 'trpc' })).toBe(1);
    expect(sampleValue(text, OPEN, { tenant: other, transport: 'items' })).toBe(1);

    streamMetrics.streamClosed(tenant, 'plain');
    expect(sampleValue(await scrape(), OPEN, { tenant, transport: 'plain' })).toBe(1);
    streamMetrics.streamClosed(tenant, 'plain');
    streamMetrics.streamClosed(tenant, 'trpc');
    text = await scrape();
    expect(text).not.toContain(tenant);
    expect(sampleValue(text, OPEN, { tenant: other, transport: 'items' })).toBe(1);
    streamMetrics.streamClosed(other, 'items');
    expect(await scrape()).not.toContain(other);
  });

  it('counts delivered and conflated events and slow consumers cut', async () => {
    const names = [
      'pulsestage_events_delivered_total',
      'pulsestage_events_conflated_total',
      'pulsestage_slow_consumers_cut_total',
    ];
    const before = await scrape();
    streamMetrics.delivered(40);
    streamMetrics.delivered(2);
    streamMetrics.conflated(7);
    streamMetrics.slowConsumerCut();
    const after = await scrape();
    expect(names.map((name) => sampleValue(after, name) - sampleValue(before, name))).toEqual([42, 7, 1]);
  });

  it('observes the outbox lag in seconds, a clock behind the commit counting as none', async () => {
    const lag = 'pulsestage_outbox_lag_seconds';
    const before = await scrape();
    streamMetrics.outboxRead(1_000_000, 1_000_030);
    streamMetrics.outboxRead(2_000_000, 1_999_990);
    const after = await scrape();
    const delta = (name: string, labels?: Record<string, string>) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta(`${lag}_count`)).toBe(2);
    expect(delta(`${lag}_sum`)).toBeCloseTo(0.03, 6);
    expect(delta(`${lag}_bucket`, { le: '0.005' })).toBe(1);
    expect(delta(`${lag}_bucket`, { le: '0.025' })).toBe(1);
    expect(delta(`${lag}_bucket`, { le: '0.05' })).toBe(2);
  });

  it('counts nothing through NO_STREAM_METRICS', async () => {
    const tenant = crypto.randomUUID();
    const before = await scrape();
    NO_STREAM_METRICS.streamOpened(tenant, 'plain');
    NO_STREAM_METRICS.delivered(5);
    NO_STREAM_METRICS.conflated(5);
    NO_STREAM_METRICS.slowConsumerCut();
    NO_STREAM_METRICS.outboxRead(0, 5000);
    const after = await scrape();
    expect(after).not.toContain(tenant);
    for (const name of [
      'pulsestage_events_delivered_total',
      'pulsestage_events_conflated_total',
      'pulsestage_slow_consumers_cut_total',
      'pulsestage_outbox_lag_seconds_count',
    ])
      expect(sampleValue(after, name), name).toBe(sampleValue(before, name));
  });
});
