/** What the benchmark commands share: their common options, and how a command starts and ends. */
import { type OptionSpec, type Options, parseOptions, UsageError, usage } from './args.js';
import { cleanup } from './lifecycle.js';

/** Options with the same meaning in every benchmark; each command lists them where its usage shows them. */
export const COMMON_OPTIONS = {
  loaders: { kind: 'int', default: 2, min: 1, help: 'load processes sharing the subscribers' },
  'connect-concurrency': {
    kind: 'int',
    default: 64,
    min: 1,
    help: 'connections opening at once, per load process',
  },
  'connect-timeout': {
    kind: 'number',
    default: 0,
    min: 0,
    help: 'seconds to open all subscribers (0: 60 + N/100)',
  },
  'drain-timeout': { kind: 'number', default: 30, min: 1, help: 'seconds to wait for the last deliveries' },
  timeout: { kind: 'number', default: 1800, min: 10, help: 'seconds for the whole run' },
  built: {
    kind: 'flag',
    help: 'run apps/api/dist/main.js (pnpm build first) instead of the sources via tsx',
  },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
  profile: {
    kind: 'string',
    help: 'write a V8 CPU profile (.cpuprofile) of each server process into this directory',
  },
} as const satisfies Record<string, OptionSpec>;

/** `--database` and `--database-url` of the benchmarks that run on either database, or one after the other. */
export const DATABASE_OPTIONS = {
  database: {
    kind: 'choice',
    default: 'sqlite',
    choices: ['sqlite', 'postgres', 'both'],
    help: 'API persistence (both: SQLite, then PostgreSQL)',
  },
  'database-url': {
    kind: 'string',
    help: 'PostgreSQL server for --database postgres|both (else TEST_DATABASE_URL)',
  },
} as const satisfies Record<string, OptionSpec>;

/**
 * Parses the options of `command` (printing its usage for --help or a mistake), runs it, then kills
 * every child process and exits with the run's code: 0 fine, 1 failed, 2 usage.
 */
export function runCommand<T extends Record<string, OptionSpec>>(
  command: string,
  spec: T,
  run: (options: Options<T> & { help: boolean }) => Promise<number>,
): void {
  const main = async (): Promise<number> => {
    let options: Options<T> & { help: boolean };
    try {
      options = parseOptions(spec);
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n\n${usage(command, spec)}`);
        return 2;
      }
      throw error;
    }
    if (options.help) {
      console.log(usage(command, spec));
      return 0;
    }
    return run(options);
  };
  main()
    .then(async (code) => {
      await cleanup();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      await cleanup();
      process.exit(1);
    });
}
