import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { DatabaseTarget } from './db/database.js';

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
});

export interface Config {
  port: number;
  host: string;
  database: DatabaseTarget;
  production: boolean;
  /** Seeds the demo tenants into an empty database and lists the demo accounts on the sign-in page. */
  demoMode: boolean;
  webDist: string;
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
  return {
    port: values.PORT,
    host: values.HOST,
    database: values.DATABASE_URL
      ? { kind: 'postgres', url: values.DATABASE_URL }
      : { kind: 'sqlite', path: resolve(values.DATA_DIR, 'pulsestage.sqlite') },
    production,
    demoMode: !production && (values.DEMO_MODE ?? true),
    webDist: values.WEB_DIST ? resolve(values.WEB_DIST) : defaultWebDist,
  };
}
