import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where `/metrics` is served; at least one of the two, or it is not served at all. */
export interface MetricsSettings {
  /** `/metrics` on the main port for requests with `Authorization: Bearer <token>`, and required on the listener. */
  token: string | undefined;
  /** A listener of its own that serves only `/metrics`. */
  listener: { host: string; port: number } | undefined;
}

export const MIN_METRICS_TOKEN_LENGTH = 32;

/** The environment variables of logs and metrics, for `config.ts`. */
export const observabilityEnvironment = {
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  METRICS_TOKEN: z
    .string()
    .min(
      MIN_METRICS_TOKEN_LENGTH,
      `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters: a random secret, e.g. from \`openssl rand -hex 32\``,
    )
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces, as it travels in a header')
    .optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().min(1).optional(),
};

interface MetricsEnvironment {
  METRICS_TOKEN?: string;
  METRICS_PORT?: number;
  METRICS_HOST?: string;
}

const DEFAULT_METRICS_HOST = '127.0.0.1';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/**
 * The metrics listener is protected by where it listens: loopback alone, or any interface when the
 * token is required there too. Nothing else is accepted, so metrics are never served unprotected.
 */
export function metricsSettings(values: MetricsEnvironment, mainPort: number): MetricsSettings {
  const { METRICS_TOKEN: token, METRICS_PORT: port, METRICS_HOST: host } = values;
  if (port === undefined) {
    if (host !== undefined) throw new Error('Invalid configuration: METRICS_HOST needs METRICS_PORT');
    return { token, listener: undefined };
  }
  if (port === mainPort) {
    throw new Error(`Invalid configuration: METRICS_PORT must differ from PORT (both are ${port})`);
  }
  const listenOn = host ?? DEFAULT_METRICS_HOST;
  if (!isLoopback(listenOn) && !token) {
    throw new Error(
      `Invalid configuration: METRICS_HOST=${listenOn} serves metrics beyond this machine; set METRICS_TOKEN too, or listen on 127.0.0.1`,
    );
  }
  return { token, listener: { host: listenOn, port } };
}
