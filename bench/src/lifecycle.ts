/**
 * Every child process of the harness dies with it, also on Ctrl-C, a crash or the global deadline; the
 * temporary directories and databases go after them.
 */
import type { ChildProcess } from 'node:child_process';
import { within } from '@pulsestage/test-harness/poll';

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

/** Tracks a child so it is killed when the harness exits, however it exits. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs at exit (after the children are killed): temporary directories, databases. */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

let cleaning: Promise<void> | undefined;

/** Kills every child, runs the cleanups (each bounded), once. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAll();
    for (const step of cleanups.reverse()) {
      try {
        await within(Promise.resolve(step()), 10_000, 'cleanup');
      } catch (error) {
        console.error(`cleanup: ${error instanceof Error ? error.message : error}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Ctrl-C, SIGTERM and crashes end every child; a global deadline bounds the whole run. `report`
 * prints whatever was measured so far before the children go.
 */
export function installExitHandlers(globalTimeoutMs: number, report: () => void): void {
  const stop = (code: number, message?: string) => {
    if (message) console.error(message);
    try {
      report();
    } catch (error) {
      console.error(`could not print the partial results: ${error instanceof Error ? error.message : error}`);
    }
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => stop(130, '\ninterrupted: stopping every child process'));
  process.once('SIGTERM', () => stop(143, 'terminated: stopping every child process'));
  process.once('uncaughtException', (error) => stop(1, `uncaught: ${error.stack ?? error.message}`));
  process.once('unhandledRejection', (error) => stop(1, `unhandled rejection: ${String(error)}`));
  process.on('exit', killAll);
  setTimeout(
    () => stop(1, `the whole run exceeded --timeout (${globalTimeoutMs / 1000} s); stopping`),
    globalTimeoutMs,
  ).unref();
}
