/** V8 CPU profiles of the server processes: where node writes them, and naming them after a run. */
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { log } from './report.js';

/** A path given on the command line, relative to where the user ran it (pnpm runs scripts in bench/). */
function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** Node options that write a CPU profile of a server process into `dir` when it exits. */
export function profileArgs(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${userPath(dir)}`] : [];
}

/** The part of a profiled run that was measured, in the profile's clock (CLOCK_MONOTONIC, µs). */
export interface ProfileWindow {
  /** What ran, e.g. "write, SQLite, 1000 subscribers". */
  label: string;
  fromUs: number;
  toUs: number;
  /** What the window produced, to express CPU per unit: e.g. 4,500 mutations. */
  count?: number;
  unit?: string;
}

/**
 * After a profiled server exited: renames the profile node wrote for the main thread of `pid`
 * (CPU.<date>.<time>.<pid>.0.…) to `<name>.<pid>.cpuprofile` and writes the measured window next to it (`.window.json`), which
 * `pnpm --filter @pulsestage/bench profile-summary` reads. Returns the new path, or undefined when the
 * process left no profile (it was killed before it could write one).
 */
export function labelProfile(
  dir: string,
  pid: number,
  name: string,
  window: ProfileWindow | undefined,
): string | undefined {
  const folder = userPath(dir);
  if (!existsSync(folder)) return undefined;
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile; thread 0 is the main thread (tsx's loader has its own).
  const written = readdirSync(folder).find((file) => {
    const parts = file.split('.');
    return parts[0] === 'CPU' && parts[3] === String(pid) && parts[4] === '0' && file.endsWith('.cpuprofile');
  });
  if (!written) return undefined;
  const base = join(folder, `${name}.${pid}`);
  renameSync(join(folder, written), `${base}.cpuprofile`);
  if (window) writeFileSync(`${base}.window.json`, `${JSON.stringify(window, null, 2)}\n`);
  return `${base}.cpuprofile`;
}

/** What a run measured: its window in monotonic ms (absent when it failed first), and what it produced. */
export interface ProfiledPart {
  window: { from: number; to: number } | undefined;
  label: string;
  count: number;
  unit: string;
}

/** After a run: labels the profile of server `pid` (when profiling) and says where it is. */
export function keepProfile(
  dir: string | undefined,
  pid: number,
  tag: string,
  name: string,
  { window, label, count, unit }: ProfiledPart,
): string | undefined {
  if (!dir) return undefined;
  const measured = window && { label, fromUs: window.from * 1000, toUs: window.to * 1000, count, unit };
  const path = labelProfile(dir, pid, name, measured);
  log(path ? `${tag} CPU profile: ${path}` : `${tag} left no CPU profile in ${dir}`);
  return path;
}
