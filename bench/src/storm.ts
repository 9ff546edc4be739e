/**
 * Storm benchmark: V voters toggle upvotes on Q questions of one meeting at R mutations/s while N
 * subscribers follow the meeting; reports the upvotes/s acknowledged, how long each acknowledged count
 * took to reach every subscriber (staleness), whether every subscriber ends with the server's counts and
 * every event that is never conflated reached everyone; then the same storm against the minimal
 * node:http server, which conflates the same way, and the ratio of each figure. See README.md.
 *
 *   pnpm bench:storm --subscribers 500 --voters 100 --rate 200 --duration 5 --database both
 */
import { writeFileSync } from 'node:fs';
import { WaitTimeout } from '@pulsestage/test-harness/poll';
import { runCommand } from './command.js';
import { installExitHandlers } from './lifecycle.js';
import { checkLimits } from './limits.js';
import { postgresUrl } from './processes.js';
import { keepProfile } from './profiles.js';
import { newRunId } from './setup.js';
import { measure, newStormRun, type StormRun } from './storm-measure.js';
import { STORM_SPEC, type StormOptions } from './storm-options.js';
import { figures, printResults } from './storm-report.js';
import {
  apiTarget,
  baselineTarget,
  type DatabaseKind,
  databaseName,
  type StormTarget,
} from './storm-targets.js';

interface Plan {
  name: string;
  start(): Promise<StormTarget>;
}

function plans(options: StormOptions): Plan[] {
  const runId = newRunId();
  const databases: DatabaseKind[] = options.database === 'both' ? ['sqlite', 'postgres'] : [options.database];
  const servers: Plan[] = databases.map((database) => ({
    name: databaseName(database),
    start: () => apiTarget(options, database, runId),
  }));
  if (!options['skip-baseline']) servers.push({ name: 'baseline', start: () => baselineTarget(options) });
  return servers;
}

/** Names a server's profile after the run and records the storm's window for profile-summary. */
function keepStormProfile(options: StormOptions, run: StormRun, pid: number): void {
  keepProfile(
    options.profile,
    pid,
    `[${run.name}]`,
    `storm-${run.name.toLowerCase()}-${options.subscribers}sub-${options.rate}ps`,
    {
      window: run.window,
      label: `storm, ${run.name}, ${options.subscribers} subscribers, ${options.rate} toggles/s`,
      count: run.traffic.ok,
      unit: 'toggle',
    },
  );
}

function failureOf(error: unknown, target: StormTarget | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  return target && !(error instanceof WaitTimeout)
    ? `${message}\n  server log:\n${target.server.log()}`
    : message;
}

async function main(options: StormOptions): Promise<number> {
  const runs: StormRun[] = [];
  installExitHandlers(options.timeout * 1000, () => printResults(options, runs));
  checkLimits(options.subscribers, options.loaders);
  if (options.database !== 'sqlite') postgresUrl(options['database-url']);
  let failed = false;
  for (const plan of plans(options)) {
    const run = newStormRun(plan.name);
    runs.push(run);
    let target: StormTarget | undefined;
    try {
      target = await plan.start();
      await measure(target, run, options);
    } catch (error) {
      run.failure = failureOf(error, target);
      failed = true;
    } finally {
      await target?.stop().catch(() => undefined);
      if (target) keepStormProfile(options, run, target.server.pid);
    }
    if (failed) break;
  }
  const wrong = printResults(options, runs);
  if (options.json)
    writeFileSync(options.json, `${JSON.stringify({ options, runs: runs.map(figures) }, null, 2)}\n`);
  return failed || wrong ? 1 : 0;
}

runCommand('pnpm bench:storm', STORM_SPEC, main);
