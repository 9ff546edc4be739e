import type { Logger } from 'pino';
import { startAuditRetention } from './audit/retention.js';
import { listenForTestClock, SettableClock, systemClock } from './clock.js';
import { type Config, loadConfig } from './config.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { seedDemoData } from './demo/seed.js';
import { connectBus } from './events/bus/connect.js';
import { startRetention } from './events/outbox/retention.js';
import { StreamEngine } from './events/stream/engine.js';
import { EventHub } from './events/stream/hub.js';
import { StreamLimits } from './events/stream/stream-limits.js';
import { SSE_PING_MS } from './events/stream/trpc-sse.js';
import { createApp } from './http/server.js';
import { RateLimits } from './limits/rate-limits.js';
import { openLimitStore } from './limits/store.js';
import { linkBaseUrl, startMailer } from './mail/mailer.js';
import { startMeetingScheduler } from './meetings/scheduler.js';
import { notificationEmails } from './notifications/mailer.js';
import { createLogger, logFunction } from './observability/logger.js';
import { startMetricsListener } from './observability/metrics-endpoint.js';
import { streamMetrics } from './observability/stream-metrics.js';
import { pulseInvitationEmails } from './pulse/mailer.js';
import { startPulseScheduler } from './pulse/scheduler.js';

const SHUTDOWN_GRACE_MS = 5000;
/** Meetings open and close within a second of their time. */
const SCHEDULER_INTERVAL_MS = 250;

async function main(config: Config, logger: Logger): Promise<void> {
  const log = logFunction(logger);
  const db = openDatabase(config.database, log);
  await migrateToLatest(db);
  if (config.production && !config.sso.secretKey) {
    logger.warn('SSO_SECRET_KEY is not set: single sign-on client secrets are stored unencrypted.');
  }
  if (config.demoMode && (await seedDemoData(db))) logger.info('Seeded the demo tenants "demo" and "acme".');

  const bus = await connectBus(config.bus, log);
  // With limits off nothing is counted: no connection to a shared store.
  const limitTarget = config.rateLimits.enabled ? config.rateLimitStore : { kind: 'memory' as const };
  const limitStore = await openLimitStore(limitTarget, { log });
  const hub = new EventHub(db, bus, {
    pollIntervalMs: 1000,
    accessSweepMs: 60_000,
    log,
    metrics: streamMetrics,
  });
  const engine = new StreamEngine(db, hub, {
    trpcPingMs: SSE_PING_MS,
    heartbeatMs: config.heartbeatMs,
    maxPendingEvents: 10_000,
    presenceIntervalMs: config.presenceIntervalMs,
    log,
    metrics: streamMetrics,
  });
  const stopRetention = startRetention(db, config.eventRetentionMs, log);
  const stopAuditRetention = startAuditRetention(db, config.auditRetentionDays, log);
  const stopScheduler = startMeetingScheduler(db, {
    intervalMs: SCHEDULER_INTERVAL_MS,
    announce: (tenantId) => hub.announce(tenantId),
    log,
  });
  // With TEST_CLOCK a test sets this process's time; the schedule sees it before the move is acknowledged.
  const testClock = config.testClock ? new SettableClock() : undefined;
  const clock = testClock ?? systemClock;
  const linkBase = linkBaseUrl(config.publicUrl, config.port);
  const mailer =
    config.mail &&
    startMailer([pulseInvitationEmails(db, linkBase), notificationEmails(db, linkBase)], {
      smtpUrl: config.mail.smtpUrl,
      from: config.mail.from,
      clock,
      log,
    });
  const pulseScheduler = startPulseScheduler(db, clock, {
    mailEnabled: config.mail !== undefined,
    announce: (tenantId) => {
      mailer?.wake();
      return hub.announce(tenantId);
    },
    log,
  });
  if (testClock) listenForTestClock(testClock, () => pulseScheduler.runNow());
  const { listener, token: metricsToken } = config.metrics;
  const { server, dropStreams } = createApp({
    db,
    hub,
    engine,
    secureCookies: config.production,
    demoMode: config.demoMode,
    publicUrl: config.publicUrl,
    trustedProxies: config.trustedProxies,
    streamLimits: new StreamLimits(config.streamLimits),
    requestTimeouts: config.requestTimeouts,
    upvoteGroupMax: config.upvoteGroupMax,
    limits: new RateLimits(limitStore, config.rateLimits),
    webDist: config.webDist,
    trpcStreams: config.trpcStreams,
    clock,
    sso: config.sso,
    log,
    logger,
    metricsToken,
  });
  const metricsListener =
    listener && (await startMetricsListener({ ...listener, token: metricsToken, logger, log }));
  if (listener) logger.info(`Metrics on http://${listener.host}:${listener.port}/metrics`);
  server.once('error', (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT)` : error.message;
    logger.fatal(`PulseStage cannot listen: ${reason}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const where = config.database.kind === 'sqlite' ? config.database.path : 'PostgreSQL';
    logger.info(
      `PulseStage listening on http://localhost:${config.port} (database: ${where}, bus: ${config.bus.kind})`,
    );
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: closing streams so clients reconnect elsewhere, finishing requests`);
    metricsListener?.close();
    server.close(async () => {
      stopRetention();
      stopAuditRetention();
      await stopScheduler();
      await pulseScheduler.stop();
      await mailer?.stop();
      await engine.close();
      await hub.close();
      await limitStore.close();
      await db.destroy();
      process.exit(0);
    });
    dropStreams();
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** Why the server could not start, in one line a newcomer reads (the stack only for a bug). */
function startFailure(logger: Logger, error: unknown): never {
  if (error instanceof Error && error.message.startsWith('Invalid configuration'))
    logger.fatal(error.message);
  else logger.fatal({ err: error }, 'PulseStage could not start');
  process.exit(1);
}

function start(): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    startFailure(createLogger('info'), error);
  }
  const logger = createLogger(config.logLevel);
  main(config, logger).catch((error: unknown) => startFailure(logger, error));
}

start();
