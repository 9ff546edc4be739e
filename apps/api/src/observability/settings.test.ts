import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';

const TOKEN = 'f'.repeat(32);

describe('log and metrics settings', () => {
  it('logs at info and serves no metrics without settings', () => {
    const config = loadConfig({});
    expect(config.logLevel).toBe('info');
    expect(config.metrics).toEqual({ token: undefined, listener: undefined });
  });

  it('takes a log level by name and refuses any other', () => {
    expect(loadConfig({ LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
  });

  it('takes a metrics token of at least 32 printable characters, never repeating it in the refusal', () => {
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metrics).toEqual({ token: TOKEN, listener: undefined });
    const short = 'too-short-a-secret';
    expect(() => loadConfig({ METRICS_TOKEN: short })).toThrow(
      /METRICS_TOKEN: must be at least 32 characters/,
    );
    expect(() => loadConfig({ METRICS_TOKEN: short })).not.toThrow(new RegExp(short));
    expect(() => loadConfig({ METRICS_TOKEN: `${TOKEN} ${TOKEN}` })).toThrow(
      /METRICS_TOKEN: must be printable ASCII without spaces/,
    );
  });

  it('listens for metrics on loopback by default, on another port than the API', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({
      token: undefined,
      listener: { host: '127.0.0.1', port: 9464 },
    });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '::1' }).metrics.listener).toEqual({
      host: '::1',
      port: 9464,
    });
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(/METRICS_PORT must differ/);
    expect(() => loadConfig({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS_HOST: '127.0.0.1' })).toThrow(/METRICS_HOST needs METRICS_PORT/);
  });

  it('listens for metrics beyond loopback only when the token protects them', () => {
    expect(() => loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toThrow(
      /METRICS_HOST=0\.0\.0\.0 serves metrics beyond this machine; set METRICS_TOKEN too/,
    );
    expect(
      loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: TOKEN }).metrics,
    ).toEqual({ token: TOKEN, listener: { host: '0.0.0.0', port: 9464 } });
  });
});
