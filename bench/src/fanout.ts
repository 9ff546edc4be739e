/**
 * Fan-out benchmark: N SSE subscribers on one tenant, E events published through real mutations at
 * R events/s, every delivery timed from its mutation's response; then the same workload against a
 * minimal node:http SSE server, and the ratio of each figure. See README.md.
 *
 *   pnpm bench --subscribers 2000 --events 200 --rate 20 --transport trpc
 */
import { writeFileSync } from 'node:fs';
import { WaitTimeout } from '@pulsestage/test-harness/poll';
import { runCommand } from './command.js';
import { measure, newTargetRun, type TargetRun } from './fanout-measure.js';
import { FANOUT_SPEC, type FanoutOptions } from './fanout-options.js';
import { figures, printResults } from './fanout-report.js';
import { apiTarget, baselineTarget, plan, type Target } from './fanout-targets.js';
import { installExitHandlers } from './lifecycle.js';
import { checkLimits } from './limits.js';
import { postgresUrl } from './processes.js';
import { keepProfile } from './profiles.js';
import { newRunId } from './setup.js';

/** Names a server's profile after the run and records the measured window for profile-summary. */
function keepFanoutProfile(options: FanoutOptions, run: TargetRun, pid: number): void {
  keepProfile(
    options.profile,
    pid,
    `[${run.name}]`,
    `fanout-${run.name.toLowerCase()}-${options.subscribers}sub-${options.rate}ps`,
    {
      window: run.window,
      label: `fan-out, ${run.name}, ${options.subscribers} subscribers, ${options.rate} events/s`,
      count: run.published,
      unit: 'event',
    },
  );
}

async function main(options: FanoutOptions): Promise<number> {
  const runs: TargetRun[] = [];
  installExitHandlers(options.timeout * 1000, () => printResults(options, runs));
  checkLimits(options.subscribers, options.loaders);
  if (options.database === 'postgres') postgresUrl(options['database-url']);
  const runId = newRunId();
  const kinds = plan(options);
  if (options['skip-baseline'] && options['baseline-only'])
    throw new Error('--skip-baseline and --baseline-only leave nothing to measure');
  const targets: ((o: FanoutOptions, k: typeof kinds, id: string) => Promise<Target>)[] = [];
  if (!options['baseline-only']) targets.push(apiTarget);
  if (!options['skip-baseline']) targets.push(baselineTarget);

  let failed = false;
  for (const makeTarget of targets) {
    const run = newTargetRun(makeTarget === apiTarget ? 'API' : 'baseline');
    runs.push(run);
    let target: Target | undefined;
    try {
      target = await makeTarget(options, kinds, runId);
      await measure(target, run, options);
    } catch (error) {
      run.failure =
        error instanceof WaitTimeout ? error.message : error instanceof Error ? error.message : String(error);
      if (target && !(error instanceof WaitTimeout)) run.failure += `\n  server log:\n${target.server.log()}`;
      failed = true;
    } finally {
      await target?.stop().catch(() => undefined);
      if (target) keepFanoutProfile(options, run, target.server.pid);
    }
    if (failed) break;
  }

  const { failedTargets, incorrect } = printResults(options, runs);
  if (options.json) {
    writeFileSync(
      options.json,
      `${JSON.stringify(
        { options, runs: runs.map((run) => ({ name: run.name, failure: run.failure, ...figures(run) })) },
        null,
        2,
      )}\n`,
    );
  }
  if (failed || incorrect) return 1;
  if (options['enforce-targets'] && failedTargets > 0) return 1;
  return 0;
}

runCommand('pnpm bench', FANOUT_SPEC, main);
