/** The options of the fan-out benchmark (`pnpm bench --help` lists them). */
import type { OptionSpec, parseOptions } from './args.js';
import { COMMON_OPTIONS } from './command.js';

export const FANOUT_SPEC = {
  subscribers: { kind: 'int', default: 2000, min: 1, help: 'concurrent SSE subscribers' },
  events: { kind: 'int', default: 200, min: 1, help: 'events to publish (mutations)' },
  rate: { kind: 'number', default: 20, min: 0.001, help: 'events per second' },
  transport: {
    kind: 'choice',
    default: 'trpc',
    choices: ['trpc', 'events'],
    help: 'trpc: GET /trpc/events.subscribe; events: GET /events',
  },
  database: { kind: 'choice', default: 'sqlite', choices: ['sqlite', 'postgres'], help: 'API persistence' },
  'database-url': {
    kind: 'string',
    help: 'PostgreSQL server for --database postgres (else TEST_DATABASE_URL)',
  },
  loaders: COMMON_OPTIONS.loaders,
  mix: {
    kind: 'choice',
    default: 'mixed',
    choices: ['mixed', 'submit', 'upvote'],
    help: 'mutations: alternate question.submit / question.upvote, or only one kind',
  },
  'connect-concurrency': COMMON_OPTIONS['connect-concurrency'],
  'connect-timeout': COMMON_OPTIONS['connect-timeout'],
  'drain-timeout': COMMON_OPTIONS['drain-timeout'],
  settle: {
    kind: 'number',
    default: 1,
    min: 0,
    help: 'seconds to let the server settle before reading its RSS',
  },
  timeout: COMMON_OPTIONS.timeout,
  built: COMMON_OPTIONS.built,
  'skip-baseline': { kind: 'flag', help: 'measure the API only' },
  'baseline-only': {
    kind: 'flag',
    help: 'measure the baseline server only (the delivery ceiling of this machine)',
  },
  'baseline-coalesce': {
    kind: 'number',
    default: 0,
    min: 0,
    help: 'ms the baseline collects events before one write per subscriber for the lot (0: each at once)',
  },
  'enforce-targets': { kind: 'flag', help: 'exit 1 when a figure misses its 1.5x target' },
  json: COMMON_OPTIONS.json,
  profile: COMMON_OPTIONS.profile,
} as const satisfies Record<string, OptionSpec>;

export type FanoutOptions = ReturnType<typeof parseOptions<typeof FANOUT_SPEC>>;
