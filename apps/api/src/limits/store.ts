import { Redis } from 'ioredis';
import pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
} from 'rate-limiter-flexible';
import type { BusTarget } from '../config.js';

/** So many points per window, counted under `name`. */
export interface Budget {
  name: string;
  points: number;
  windowSeconds: number;
}

/** Where counters live: this process's memory, or Redis or PostgreSQL shared by every instance. */
export interface LimitStore {
  limiter(budget: Budget): RateLimiterAbstract;
  close(): Promise<void>;
}

type Log = (message: string, error?: unknown) => void;

export interface LimitStoreOptions {
  log: Log;
  /** Starts every key, so several deployments (or test runs) can share one Redis. */
  namespace?: string;
}

const TABLE = 'rate_limits';
const CONNECT_TIMEOUT_MS = 2000;
const FALLBACK_NOTICE_INTERVAL_MS = 60_000;

/** Limiters made once per budget and limit: a tenant that changes its limit gets a new one. */
function cachedBy(make: (budget: Budget) => RateLimiterAbstract): LimitStore['limiter'] {
  const made = new Map<string, RateLimiterAbstract>();
  return (budget) => {
    const id = `${budget.name}:${budget.points}:${budget.windowSeconds}`;
    let limiter = made.get(id);
    if (!limiter) {
      limiter = make(budget);
      made.set(id, limiter);
    }
    return limiter;
  };
}

const limiterOptions = (budget: Budget, namespace: string) => ({
  keyPrefix: `${namespace}:${budget.name}`,
  points: budget.points,
  duration: budget.windowSeconds,
});

export function memoryStore(namespace = 'pulsestage'): LimitStore {
  return {
    limiter: cachedBy((budget) => new RateLimiterMemory(limiterOptions(budget, namespace))),
    close: async () => {},
  };
}

/** Says, at most once a minute, that counting went local: the store is down and the server fails open. */
function fallbackNotice(log: Log): () => void {
  let lastNotice = Number.NEGATIVE_INFINITY;
  return () => {
    if (Date.now() - lastNotice < FALLBACK_NOTICE_INTERVAL_MS) return;
    lastNotice = Date.now();
    log('rate limit store unreachable: counting in this instance only until it answers again');
  };
}

/**
 * The memory limiter a shared one falls back on when its store fails: limits keep holding per
 * instance instead of refusing everyone, and the log says so.
 */
class FallbackLimiter extends RateLimiterMemory {
  constructor(
    budget: Budget,
    namespace: string,
    private readonly notice: () => void,
  ) {
    super(limiterOptions(budget, namespace));
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>) {
    this.notice();
    return super.consume(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory['reward']>) {
    this.notice();
    return super.reward(...args);
  }

  override block(...args: Parameters<RateLimiterMemory['block']>) {
    this.notice();
    return super.block(...args);
  }

  override delete(...args: Parameters<RateLimiterMemory['delete']>) {
    this.notice();
    return super.delete(...args);
  }
}

async function redisStore(url: string, { log, namespace = 'pulsestage' }: LimitStoreOptions) {
  const notice = fallbackNotice(log);
  // No offline queue: while Redis is away a call falls back at once instead of waiting for it.
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  redis.on('error', notice);
  await redis.connect().catch((error: unknown) => log('rate limit store: cannot reach Redis yet', error));
  return {
    limiter: cachedBy(
      (budget) =>
        new RateLimiterRedis({
          ...limiterOptions(budget, namespace),
          storeClient: redis,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new FallbackLimiter(budget, namespace, notice),
        }),
    ),
    close: async () => {
      redis.disconnect();
    },
  };
}

/** Creates the counters' table (the library's own shape) once, and has it swept of expired rows. */
function createTable(pool: pg.Pool): Promise<void> {
  return new Promise((resolve, reject) => {
    new RateLimiterPostgres(
      { storeClient: pool, storeType: 'pool', tableName: TABLE, points: 1, duration: 1 },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

async function postgresStore(url: string, { log, namespace = 'pulsestage' }: LimitStoreOptions) {
  const notice = fallbackNotice(log);
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on('error', notice);
  await createTable(pool);
  return {
    limiter: cachedBy(
      (budget) =>
        new RateLimiterPostgres({
          ...limiterOptions(budget, namespace),
          storeClient: pool,
          storeType: 'pool',
          tableName: TABLE,
          tableCreated: true,
          clearExpiredByTimeout: false,
          insuranceLimiter: new FallbackLimiter(budget, namespace, notice),
        }),
    ),
    close: () => pool.end(),
  };
}

/** The store `RATE_LIMIT_STORE` names (by default the event bus's kind). */
export function openLimitStore(target: BusTarget, options: LimitStoreOptions): Promise<LimitStore> {
  switch (target.kind) {
    case 'memory':
      return Promise.resolve(memoryStore(options.namespace));
    case 'redis':
      return redisStore(target.url, options);
    case 'postgres':
      return postgresStore(target.url, options);
  }
}
