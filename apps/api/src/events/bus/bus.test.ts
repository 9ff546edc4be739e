import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../test-support/sse.js';
import { BUS_CHANNEL, type BusMessage, decodeBusMessage, type EventBus, encodeBusMessage } from './bus.js';
import { InProcessBus } from './in-process-bus.js';
import { PostgresBus } from './postgres-bus.js';
import { RedisBus } from './redis-bus.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

if (!postgresUrl) console.warn('TEST_DATABASE_URL is not set: the PostgresBus tests are skipped.');
if (!redisUrl) console.warn('TEST_REDIS_URL is not set: the RedisBus tests are skipped.');

const silent = () => {};

/** Messages for a tenant id of their own, so other users of the shared channel do not interfere. */
function messagesFor(tenantId: string): BusMessage[] {
  return [
    { kind: 'events', tenantId, seq: 1 },
    { kind: 'access', tenantId },
    { kind: 'events', tenantId, seq: 2 },
    { kind: 'events', tenantId, seq: 9_007_199_254_740_991 },
  ];
}

/** Collects what a bus hands its listeners for one tenant. */
function collect(bus: EventBus, tenantId: string): BusMessage[] {
  const received: BusMessage[] = [];
  bus.onMessage((message) => {
    if (message.tenantId === tenantId) received.push(message);
  });
  return received;
}

describe('bus message encoding', () => {
  const tenantId = '0b7c6f0e-8f3a-4c1e-9d2b-5a6e7f8091a2';

  it('round-trips every kind of message', () => {
    for (const message of messagesFor(tenantId)) {
      expect(decodeBusMessage(encodeBusMessage(message))).toEqual(message);
    }
    expect(decodeBusMessage(encodeBusMessage({ kind: 'events', tenantId, seq: 0 }))).toEqual({
      kind: 'events',
      tenantId,
      seq: 0,
    });
  });

  it('keeps the wire format that running instances of other versions understand', () => {
    expect(encodeBusMessage({ kind: 'events', tenantId, seq: 42 })).toBe(`e:${tenantId}:42`);
    expect(encodeBusMessage({ kind: 'access', tenantId })).toBe(`a:${tenantId}`);
  });

  it('rejects garbage', () => {
    for (const text of [
      '',
      'e',
      'a',
      'e:',
      'a:',
      ':',
      `e:${tenantId}`,
      `e::5`,
      `e:${tenantId}:abc`,
      `e:${tenantId}:1.5`,
      `e:${tenantId}:NaN`,
      `e:${tenantId}:99999999999999999999`,
      `x:${tenantId}:1`,
      `E:${tenantId}:1`,
      'hello world',
      JSON.stringify({ kind: 'events', tenantId, seq: 1 }),
    ]) {
      expect(decodeBusMessage(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('rejects a sequence that is not a plain non-negative decimal integer', () => {
    for (const seq of ['', '-3', ' 7', '1e3', '0x10']) {
      const text = `e:${tenantId}:${seq}`;
      expect(decodeBusMessage(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('InProcessBus', () => {
  it('hands every published message, in order, to every listener', async () => {
    const bus = new InProcessBus();
    const tenantId = crypto.randomUUID();
    const first = collect(bus, tenantId);
    const second = collect(bus, tenantId);
    for (const message of messagesFor(tenantId)) await bus.publish(message);
    expect(first).toEqual(messagesFor(tenantId));
    expect(second).toEqual(messagesFor(tenantId));
    await bus.close();
    await bus.publish({ kind: 'access', tenantId });
    expect(first).toHaveLength(messagesFor(tenantId).length);
  });
});

/**
 * What every networked bus must do: a message published on one instance reaches every instance
 * connected to the same server, the publisher included, in publishing order.
 */
function networkedBusContract(connect: () => Promise<EventBus>, publishRaw: (text: string) => Promise<void>) {
  const buses: EventBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  const open = async () => {
    const bus = await connect();
    buses.push(bus);
    return bus;
  };

  it('delivers a message to a second instance and to the publisher itself, in order', async () => {
    const [publisher, other] = [await open(), await open()];
    const tenantId = crypto.randomUUID();
    const atPublisher = collect(publisher, tenantId);
    const atOther = collect(other, tenantId);
    for (const message of messagesFor(tenantId)) await publisher.publish(message);
    const count = messagesFor(tenantId).length;
    await waitFor(() => atPublisher.length >= count && atOther.length >= count, 5000, 'both instances');
    expect(atPublisher).toEqual(messagesFor(tenantId));
    expect(atOther).toEqual(messagesFor(tenantId));
  });

  it('delivers in both directions', async () => {
    const [a, b] = [await open(), await open()];
    const tenantId = crypto.randomUUID();
    const atA = collect(a, tenantId);
    const atB = collect(b, tenantId);
    await a.publish({ kind: 'events', tenantId, seq: 1 });
    await b.publish({ kind: 'events', tenantId, seq: 2 });
    await waitFor(() => atA.length >= 2 && atB.length >= 2, 5000, 'both messages at both instances');
    for (const received of [atA, atB]) {
      expect(received.map((message) => (message.kind === 'events' ? message.seq : 0)).sort()).toEqual([1, 2]);
    }
  });

  it('ignores a garbage payload on the channel and keeps delivering', async () => {
    const bus = await open();
    const tenantId = crypto.randomUUID();
    const everything: BusMessage[] = [];
    bus.onMessage((message) => everything.push(message));
    await publishRaw(`garbage:${tenantId}`);
    await publishRaw(`e:${tenantId}:not-a-number`);
    await bus.publish({ kind: 'events', tenantId, seq: 7 });
    await waitFor(
      () => everything.some((message) => message.tenantId === tenantId),
      5000,
      'the valid message',
    );
    expect(everything.filter((message) => message.tenantId === tenantId)).toEqual([
      { kind: 'events', tenantId, seq: 7 },
    ]);
  });

  it('stops delivering after close', async () => {
    const [publisher, closing] = [await open(), await open()];
    const tenantId = crypto.randomUUID();
    const atClosing = collect(closing, tenantId);
    const atPublisher = collect(publisher, tenantId);
    await closing.close();
    buses.splice(buses.indexOf(closing), 1);
    await publisher.publish({ kind: 'access', tenantId });
    await waitFor(() => atPublisher.length > 0, 5000, 'the publisher to get its message');
    // A sentinel published only now: by the time it is back, the server had long sent the first
    // message to every connection still listening.
    await publisher.publish({ kind: 'events', tenantId, seq: 1 });
    await waitFor(() => atPublisher.length > 1, 5000, 'the publisher to get the sentinel');
    expect(atClosing).toEqual([]);
  });
}

/** Publishes until `received` holds a message for `tenantId`: messages sent while disconnected are lost. */
async function publishUntilReceived(
  publisher: EventBus,
  received: BusMessage[],
  tenantId: string,
  ms: number,
) {
  let seq = 0;
  await vi.waitFor(
    async () => {
      if (received.length === 0) {
        seq += 1;
        await publisher.publish({ kind: 'events', tenantId, seq }).catch(() => {});
      }
      expect(received.length, 'a message after the connection was cut').toBeGreaterThan(0);
    },
    { timeout: ms, interval: 100 },
  );
}

describe.skipIf(!postgresUrl)('PostgresBus', () => {
  const url = postgresUrl ?? '';
  async function admin(statement: string, values: unknown[] = []) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(statement, values);
    } finally {
      await client.end();
    }
  }

  networkedBusContract(
    () => PostgresBus.connect(url, silent),
    async (text) => {
      await admin('SELECT pg_notify($1, $2)', [BUS_CHANNEL, text]);
    },
  );

  describe('when its listening connection is cut', () => {
    const name = `pulsestage_bus_${crypto.randomUUID().replaceAll('-', '')}`;
    const buses: EventBus[] = [];
    const databaseUrl = () => {
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    };
    const cutListener = () =>
      admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'`,
        [name],
      );

    afterEach(async () => {
      await admin(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`).catch(() => {});
      await Promise.all(buses.splice(0).map((bus) => bus.close().catch(() => {})));
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });

    /** What the listening bus logged. */
    const listenerLog: string[] = [];

    async function twoBuses() {
      await admin(`CREATE DATABASE ${name}`);
      listenerLog.length = 0;
      const listener = await PostgresBus.connect(databaseUrl(), (message) => listenerLog.push(message));
      const publisher = await PostgresBus.connect(databaseUrl(), silent);
      buses.push(listener, publisher);
      return { listener, publisher };
    }

    it('reconnects and receives again', async () => {
      const { listener, publisher } = await twoBuses();
      const tenantId = crypto.randomUUID();
      const received = collect(listener, tenantId);
      const cut = await cutListener();
      expect(cut.rowCount).toBeGreaterThanOrEqual(1);
      await publishUntilReceived(publisher, received, tenantId, 8000);
    }, 15_000);

    it('keeps retrying while the server refuses connections, and receives once it is back', async () => {
      const { listener, publisher } = await twoBuses();
      const tenantId = crypto.randomUUID();
      const received = collect(listener, tenantId);
      await admin(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      const cut = await cutListener();
      expect(cut.rowCount).toBeGreaterThanOrEqual(1);
      await waitFor(
        () => listenerLog.some((message) => message.includes('could not listen yet')),
        5000,
        'a refused reconnection attempt',
      );
      await admin(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await publishUntilReceived(publisher, received, tenantId, 8000);
    }, 15_000);
  });
});

describe.skipIf(!redisUrl)('RedisBus', () => {
  const url = redisUrl ?? '';
  async function withAdmin<T>(use: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      return await use(redis);
    } finally {
      redis.disconnect();
    }
  }

  networkedBusContract(
    () => RedisBus.connect(url, silent),
    async (text) => {
      await withAdmin((redis) => redis.publish(BUS_CHANNEL, text));
    },
  );

  it('resubscribes after its subscriber connection is killed', async () => {
    const listener = await RedisBus.connect(url, silent);
    const publisher = await RedisBus.connect(url, silent);
    try {
      const tenantId = crypto.randomUUID();
      const received = collect(listener, tenantId);
      // The subscriber connection is private; its local port names it to the server exactly.
      const subscriber = Reflect.get(listener, 'subscriber') as Redis;
      const { localAddress, localPort } = subscriber.stream;
      const killed = await withAdmin(
        (redis) => redis.call('CLIENT', 'KILL', 'ADDR', `${localAddress}:${localPort}`) as Promise<unknown>,
      );
      expect(killed).toBe(1);
      await publishUntilReceived(publisher, received, tenantId, 8000);
    } finally {
      await listener.close();
      await publisher.close();
    }
  }, 15_000);
});
