import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { SsoOptions } from './auth/sso/options.js';
import type { DatabaseTarget } from './db/database.js';
import type { StreamLimitSettings } from './events/stream/stream-limits.js';
import { parseTrustedProxies, type TrustedProxies } from './http/client-address.js';
import { type RequestTimeouts, requestTimeoutsFrom } from './http/timeouts.js';
import { type RateLimitSettings, rateLimitEnvironment, rateLimitSettings } from './limits/budgets.js';
import {
  type LogLevel,
  type MetricsSettings,
  metricsSettings,
  observabilityEnvironment,
} from './observability/settings.js';
import { UPVOTE_GROUP_MAX_DEFAULT, UPVOTE_GROUP_MAX_LIMIT } from './questions/vote-batcher.js';

const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off'])
  .transform((value) => value === '1' || value === 'true' || value === 'on');

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  NODE_ENV: z.string().optional(),
  DEMO_MODE: flag.optional(),
  WEB_DIST: z.string().optional(),
  EVENT_BUS: z.enum(['memory', 'postgres', 'redis']).default('memory'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  EVENT_RETENTION_HOURS: z.coerce.number().positive().default(24),
  AUDIT_RETENTION_DAYS: z.coerce.number().positive().default(365),
  HEARTBEAT_INTERVAL_SECONDS: z.coerce.number().positive().default(30),
  PRESENCE_INTERVAL_SECONDS: z.coerce.number().positive().default(3),
  TRPC_STREAMS: z.enum(['engine', 'trpc']).default('engine'),
  STREAM_LIMIT_PER_CREDENTIAL: z.coerce.number().int().positive().default(10),
  STREAM_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().default(2000),
  HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().default(10),
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().positive().default(65),
  UPVOTE_GROUP_MAX: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(UPVOTE_GROUP_MAX_LIMIT, `must be at most ${UPVOTE_GROUP_MAX_LIMIT}`)
    .default(UPVOTE_GROUP_MAX_DEFAULT),
  PUBLIC_URL: z
    .string()
    .refine(isPublicUrl, 'must be an absolute http:// or https:// URL, like https://ask.example.com')
    .transform((url) => new URL(url).href.replace(/\/$/, ''))
    .optional(),
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((value, context) => {
      try {
        if (value) parseTrustedProxies(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('PulseStage <pulse@localhost>'),
  SSO_ALLOW_HTTP_ISSUERS: flag.optional(),
  SSO_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  SSO_ATTEMPT_MINUTES: z.coerce.number().int().min(1).max(60).default(10),
  SSO_SECRET_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  TEST_CLOCK: flag.optional(),
  RATE_LIMITS: flag.optional(),
  RATE_LIMIT_STORE: z.enum(['memory', 'postgres', 'redis']).optional(),
  ...rateLimitEnvironment,
  ...observabilityEnvironment,
});

function isPublicUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
}

export type BusTarget =
  | { kind: 'memory' }
  | { kind: 'postgres'; url: string }
  | { kind: 'redis'; url: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseTarget;
  production: boolean;
  /** Seeds the demo tenants into an empty database and lists the demo accounts on the sign-in page. */
  demoMode: boolean;
  webDist: string;
  bus: BusTarget;
  eventRetentionMs: number;
  /** Audit log entries older than this many days are deleted. */
  auditRetentionDays: number;
  heartbeatMs: number;
  /** How often each instance shares its meeting watcher counts and sends the totals that changed. */
  presenceIntervalMs: number;
  /** Who writes `events.subscribe` streams; `trpc` (tRPC's own producer) is there to measure against. */
  trpcStreams: 'engine' | 'trpc';
  /** The address people reach this server at (no trailing slash), for QR codes and links; unset: ask the browser. */
  publicUrl: string | undefined;
  /** Proxies whose `X-Forwarded-For` names the client; unset: the connection's own address is the client's. */
  trustedProxies: TrustedProxies | undefined;
  /** Open event streams per session, token or display link, and per client address; counted per instance. */
  streamLimits: StreamLimitSettings;
  /** How long a client may take to send a request's headers, and the whole request. */
  requestTimeouts: RequestTimeouts;
  /** How many upvotes and removals of one tenant one transaction commits at most. */
  upvoteGroupMax: number;
  rateLimits: RateLimitSettings;
  /** Where rate limit counters live; shared ones make limits hold across instances. */
  rateLimitStore: BusTarget;
  /** Pulse invitations by email through this server; unset: invitations only in the app. */
  mail: { smtpUrl: string; from: string } | undefined;
  /** Single sign-on: which issuers the server fetches, its bounds, the key of client secrets at rest. */
  sso: SsoOptions;
  /** A test may set the pulse clock through the IPC channel it started this process with. */
  testClock: boolean;
  /** The least severe log lines written (JSON on stdout). */
  logLevel: LogLevel;
  /** Where `/metrics` is served and what it asks of its callers; neither: nowhere. */
  metrics: MetricsSettings;
}

function busTarget(
  kind: 'memory' | 'postgres' | 'redis',
  databaseUrl?: string,
  redisUrl?: string,
  setting = 'EVENT_BUS',
): BusTarget {
  if (kind === 'memory') return { kind };
  if (kind === 'postgres') {
    if (!databaseUrl) throw new Error(`Invalid configuration: ${setting}=postgres needs DATABASE_URL`);
    return { kind, url: databaseUrl };
  }
  if (!redisUrl) throw new Error(`Invalid configuration: ${setting}=redis needs REDIS_URL`);
  return { kind, url: redisUrl };
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data;
  const production = values.NODE_ENV === 'production';
  if (production && values.TEST_CLOCK) {
    throw new Error('Invalid configuration: TEST_CLOCK is for tests and cannot be on in production');
  }
  return {
    port: values.PORT,
    host: values.HOST,
    database: values.DATABASE_URL
      ? { kind: 'postgres', url: values.DATABASE_URL }
      : { kind: 'sqlite', path: resolve(values.DATA_DIR, 'pulsestage.sqlite') },
    production,
    demoMode: !production && (values.DEMO_MODE ?? true),
    webDist: values.WEB_DIST ? resolve(values.WEB_DIST) : defaultWebDist,
    bus: busTarget(values.EVENT_BUS, values.DATABASE_URL, values.REDIS_URL),
    eventRetentionMs: values.EVENT_RETENTION_HOURS * 60 * 60 * 1000,
    auditRetentionDays: values.AUDIT_RETENTION_DAYS,
    heartbeatMs: values.HEARTBEAT_INTERVAL_SECONDS * 1000,
    presenceIntervalMs: values.PRESENCE_INTERVAL_SECONDS * 1000,
    trpcStreams: values.TRPC_STREAMS,
    publicUrl: values.PUBLIC_URL,
    trustedProxies: values.TRUSTED_PROXIES ? parseTrustedProxies(values.TRUSTED_PROXIES) : undefined,
    streamLimits: {
      perCredential: values.STREAM_LIMIT_PER_CREDENTIAL,
      perAddress: values.STREAM_LIMIT_PER_ADDRESS,
    },
    requestTimeouts: requestTimeoutsFrom(
      values.HEADERS_TIMEOUT_SECONDS,
      values.REQUEST_TIMEOUT_SECONDS,
      values.KEEP_ALIVE_TIMEOUT_SECONDS,
    ),
    upvoteGroupMax: values.UPVOTE_GROUP_MAX,
    rateLimits: rateLimitSettings(values.RATE_LIMITS ?? true, values),
    rateLimitStore: busTarget(
      values.RATE_LIMIT_STORE ?? values.EVENT_BUS,
      values.DATABASE_URL,
      values.REDIS_URL,
      'RATE_LIMIT_STORE',
    ),
    mail: values.SMTP_URL ? { smtpUrl: values.SMTP_URL, from: values.MAIL_FROM } : undefined,
    sso: {
      allowHttpIssuers: values.SSO_ALLOW_HTTP_ISSUERS ?? false,
      timeoutSeconds: values.SSO_TIMEOUT_SECONDS,
      attemptLifetimeMs: values.SSO_ATTEMPT_MINUTES * 60 * 1000,
      secretKey: values.SSO_SECRET_KEY ? Buffer.from(values.SSO_SECRET_KEY, 'base64') : undefined,
    },
    testClock: values.TEST_CLOCK ?? false,
    logLevel: values.LOG_LEVEL,
    metrics: metricsSettings(values, values.PORT),
  };
}
