/** The options of the storm benchmark (`pnpm bench:storm --help` lists them). */
import type { OptionSpec, parseOptions } from './args.js';
import { COMMON_OPTIONS, DATABASE_OPTIONS } from './command.js';

export const STORM_SPEC = {
  subscribers: { kind: 'int', default: 10_000, min: 1, help: 'SSE subscribers on the meeting' },
  voters: { kind: 'int', default: 1000, min: 1, help: 'guests who toggle their upvotes' },
  questions: { kind: 'int', default: 20, min: 1, help: 'questions they vote on' },
  rate: { kind: 'number', default: 1000, min: 0.1, help: 'upvote / removeUpvote mutations per second' },
  duration: { kind: 'number', default: 30, min: 0.1, help: 'seconds of the storm' },
  'other-rate': {
    kind: 'number',
    default: 1,
    min: 0,
    help: 'question.submit / question.answer per second during the storm (events never conflated)',
  },
  ...DATABASE_OPTIONS,
  transport: {
    kind: 'choice',
    default: 'trpc',
    choices: ['trpc', 'events'],
    help: 'trpc: GET /trpc/events.subscribe; events: GET /events',
  },
  'baseline-interval': {
    kind: 'number',
    default: 25,
    min: 1,
    help: 'ms the baseline collects events before one conflated write per subscriber',
  },
  'skip-baseline': { kind: 'flag', help: 'measure the API only' },
  loaders: COMMON_OPTIONS.loaders,
  'connect-concurrency': COMMON_OPTIONS['connect-concurrency'],
  'connect-timeout': COMMON_OPTIONS['connect-timeout'],
  'setup-timeout': {
    kind: 'number',
    default: 0,
    min: 0,
    help: 'seconds to create the meeting, questions and voters (0: 60 + V/20)',
  },
  'drain-timeout': COMMON_OPTIONS['drain-timeout'],
  timeout: COMMON_OPTIONS.timeout,
  built: COMMON_OPTIONS.built,
  json: COMMON_OPTIONS.json,
  profile: COMMON_OPTIONS.profile,
} as const satisfies Record<string, OptionSpec>;

export type StormOptions = ReturnType<typeof parseOptions<typeof STORM_SPEC>>;
