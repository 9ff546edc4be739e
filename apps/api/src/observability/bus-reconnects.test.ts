import { createScratchDatabase, type ScratchDatabase } from '@pulsestage/test-harness/postgres';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../events/bus/bus.js';
import { PostgresBus } from '../events/bus/postgres-bus.js';
import { RedisBus } from '../events/bus/redis-bus.js';
import { sampleValue } from '../test-support/metrics.js';
import { waitFor } from '../test-support/sse.js';
import { metricsRegistry } from './metrics.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const silent = () => {};

const reconnects = async (bus: 'postgres' | 'redis') =>
  sampleValue(await metricsRegistry.metrics(), 'pulsestage_bus_reconnects_total', { bus });

describe('bus reconnects on /metrics', () => {
  const buses: EventBus[] = [];
  let scratch: ScratchDatabase | undefined;
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close().catch(() => {})));
    await scratch?.drop();
    scratch = undefined;
  });

  it.skipIf(!postgresUrl)(
    'counts the PostgreSQL bus listening again after its connection was cut',
    async () => {
      scratch = await createScratchDatabase(postgresUrl ?? '', 'pulsestage_reconnects');
      buses.push(await PostgresBus.connect(scratch.url, silent));
      const before = await reconnects('postgres');
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      try {
        const cut = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'`,
          [scratch.name],
        );
        expect(cut.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      await waitFor(
        async () => (await reconnects('postgres')) === before + 1,
        10_000,
        'the reconnect counted',
      );
    },
  );

  it.skipIf(!redisUrl)(
    'counts the Redis bus connected again after its subscriber connection was killed',
    async () => {
      const bus = await RedisBus.connect(redisUrl ?? '', silent);
      buses.push(bus);
      const before = await reconnects('redis');
      // The subscriber connection is private; its local port names it to the server exactly.
      const { localAddress, localPort } = (Reflect.get(bus, 'subscriber') as Redis).stream;
      const admin = new Redis(redisUrl ?? '');
      try {
        expect(await admin.call('CLIENT', 'KILL', 'ADDR', `${localAddress}:${localPort}`)).toBe(1);
      } finally {
        admin.disconnect();
      }
      await waitFor(async () => (await reconnects('redis')) === before + 1, 10_000, 'the reconnect counted');
    },
  );
});
