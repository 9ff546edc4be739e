import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('runs the embedded default with no settings: SQLite in ./data, demo mode, in-process bus', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toMatchObject({ kind: 'sqlite' });
    expect(config.database.kind === 'sqlite' && config.database.path).toMatch(/data\/pulsestage\.sqlite$/);
    expect(config.demoMode).toBe(true);
    expect(config.bus).toEqual({ kind: 'memory' });
    expect(config.eventRetentionMs).toBe(24 * 60 * 60 * 1000);
    expect(config.heartbeatMs).toBe(30_000);
    expect(config.presenceIntervalMs).toBe(3000);
  });

  it('shares meeting presence as often as PRESENCE_INTERVAL_SECONDS says, and refuses no interval', () => {
    expect(loadConfig({ PRESENCE_INTERVAL_SECONDS: '1.5' }).presenceIntervalMs).toBe(1500);
    expect(() => loadConfig({ PRESENCE_INTERVAL_SECONDS: '0' })).toThrow(/PRESENCE_INTERVAL_SECONDS/);
  });

  it('commits at most UPVOTE_GROUP_MAX upvotes of a tenant together, 256 unless set, and refuses sizes out of range', () => {
    expect(loadConfig({}).upvoteGroupMax).toBe(256);
    expect(loadConfig({ UPVOTE_GROUP_MAX: '32' }).upvoteGroupMax).toBe(32);
    expect(() => loadConfig({ UPVOTE_GROUP_MAX: '0' })).toThrow('UPVOTE_GROUP_MAX: must be at least 1');
    expect(() => loadConfig({ UPVOTE_GROUP_MAX: '1001' })).toThrow('UPVOTE_GROUP_MAX: must be at most 1000');
    expect(() => loadConfig({ UPVOTE_GROUP_MAX: '2.5' })).toThrow(/UPVOTE_GROUP_MAX/);
  });

  it('fetches only https identity providers, within bounds, and takes a 32-byte key for client secrets', () => {
    expect(loadConfig({}).sso).toEqual({
      allowHttpIssuers: false,
      timeoutSeconds: 10,
      attemptLifetimeMs: 10 * 60 * 1000,
      secretKey: undefined,
    });
    const key = Buffer.alloc(32, 7);
    const sso = loadConfig({
      SSO_ALLOW_HTTP_ISSUERS: '1',
      SSO_TIMEOUT_SECONDS: '5',
      SSO_ATTEMPT_MINUTES: '3',
      SSO_SECRET_KEY: key.toString('base64'),
    }).sso;
    expect(sso).toEqual({
      allowHttpIssuers: true,
      timeoutSeconds: 5,
      attemptLifetimeMs: 180_000,
      secretKey: key,
    });
    expect(() => loadConfig({ SSO_SECRET_KEY: 'too short' })).toThrow(
      /SSO_SECRET_KEY: must be 32 random bytes/,
    );
    expect(() => loadConfig({ SSO_TIMEOUT_SECONDS: '0' })).toThrow(/SSO_TIMEOUT_SECONDS/);
  });

  it('never turns demo mode on in production, even when asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).demoMode).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEMO_MODE: '1' }).demoMode).toBe(false);
    expect(loadConfig({ DEMO_MODE: '0' }).demoMode).toBe(false);
  });

  it('switches to PostgreSQL and a shared bus when configured', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db/pulsestage', EVENT_BUS: 'postgres' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://app@db/pulsestage' });
    expect(config.bus).toEqual({ kind: 'postgres', url: 'postgres://app@db/pulsestage' });
    expect(loadConfig({ EVENT_BUS: 'redis', REDIS_URL: 'redis://cache:6379' }).bus).toEqual({
      kind: 'redis',
      url: 'redis://cache:6379',
    });
  });

  it('refuses settings that cannot work, naming them', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db' })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ URL/,
    );
    expect(() => loadConfig({ EVENT_BUS: 'postgres' })).toThrow(/EVENT_BUS=postgres needs DATABASE_URL/);
    expect(() => loadConfig({ EVENT_BUS: 'redis' })).toThrow(/EVENT_BUS=redis needs REDIS_URL/);
    expect(() => loadConfig({ EVENT_BUS: 'kafka' })).toThrow(/EVENT_BUS/);
    expect(() => loadConfig({ EVENT_RETENTION_HOURS: '-1' })).toThrow(/EVENT_RETENTION_HOURS/);
  });

  it('takes the public address for QR codes and links as an absolute http(s) URL, without a trailing slash', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://ask.example.com/' }).publicUrl).toBe('https://ask.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://10.0.0.5:3000' }).publicUrl).toBe('http://10.0.0.5:3000');
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/qa/' }).publicUrl).toBe('https://example.com/qa');
    for (const wrong of ['ask.example.com', '/join', 'ftp://example.com', 'https://example.com/?x=1', ''])
      expect(() => loadConfig({ PUBLIC_URL: wrong }), wrong).toThrow(
        /Invalid configuration: PUBLIC_URL: must be an absolute http:\/\/ or https:\/\/ URL/,
      );
  });

  it('limits at the documented defaults, counted where the event bus is, each limit and the store settable', () => {
    const defaults = loadConfig({});
    expect(defaults.rateLimits).toEqual({
      enabled: true,
      points: {
        signInFailuresPerAccount: 5,
        signInFailuresPerAddress: 100,
        signUpsPerAddress: 50,
        guestJoinsPerCode: 1000,
        guestJoinsPerAddress: 300,
        linksAndTokensPerAdmin: 30,
        codeGuessesPerAddress: 100,
        similarLookupsPerPerson: 120,
        ssoStartsPerAddress: 300,
      },
      batchMax: 10,
    });
    expect(defaults.rateLimitStore).toEqual({ kind: 'memory' });
    const redis = { EVENT_BUS: 'redis', REDIS_URL: 'redis://cache:6379' };
    expect(loadConfig(redis).rateLimitStore).toEqual({ kind: 'redis', url: 'redis://cache:6379' });
    expect(loadConfig({ ...redis, RATE_LIMIT_STORE: 'memory' }).rateLimitStore).toEqual({ kind: 'memory' });
    expect(
      loadConfig({ DATABASE_URL: 'postgres://app@db/pulsestage', RATE_LIMIT_STORE: 'postgres' })
        .rateLimitStore,
    ).toEqual({ kind: 'postgres', url: 'postgres://app@db/pulsestage' });
    const tuned = loadConfig({
      RATE_LIMITS: 'off',
      RATE_LIMIT_SIGN_IN_PER_ACCOUNT: '7',
      RATE_LIMIT_SIGN_IN_PER_ADDRESS: '1000',
      RATE_LIMIT_SIGN_UP_PER_ADDRESS: '500',
      RATE_LIMIT_GUEST_JOINS_PER_CODE: '5000',
      RATE_LIMIT_GUEST_JOINS_PER_ADDRESS: '3000',
      RATE_LIMIT_LINKS_AND_TOKENS_PER_ADMIN: '3',
      RATE_LIMIT_CODE_GUESSES_PER_ADDRESS: '400',
      RATE_LIMIT_SIMILAR_PER_PERSON: '600',
      RATE_LIMIT_SSO_STARTS_PER_ADDRESS: '2000',
      RATE_LIMIT_BATCH_MAX: '20',
    }).rateLimits;
    expect(tuned).toEqual({
      enabled: false,
      points: {
        signInFailuresPerAccount: 7,
        signInFailuresPerAddress: 1000,
        signUpsPerAddress: 500,
        guestJoinsPerCode: 5000,
        guestJoinsPerAddress: 3000,
        linksAndTokensPerAdmin: 3,
        codeGuessesPerAddress: 400,
        similarLookupsPerPerson: 600,
        ssoStartsPerAddress: 2000,
      },
      batchMax: 20,
    });
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(/RATE_LIMIT_STORE=redis needs REDIS_URL/);
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'memcached' })).toThrow(/RATE_LIMIT_STORE/);
    expect(() => loadConfig({ RATE_LIMIT_SIGN_IN_PER_ACCOUNT: '0' })).toThrow(
      /RATE_LIMIT_SIGN_IN_PER_ACCOUNT/,
    );
    expect(() => loadConfig({ RATE_LIMITS: 'maybe' })).toThrow(/RATE_LIMITS/);
  });
});
