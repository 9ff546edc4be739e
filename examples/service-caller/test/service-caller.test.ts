/**
 * The example as a person runs it: against the embedded default, with a service token an owner
 * created, printing what people do in the tenant, and resuming after a restart where it left off.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutate, signIn } from '@pulsestage/test-harness/accounts';
import { within } from '@pulsestage/test-harness/poll';
import { EmbeddedApi, killAllProcesses } from '@pulsestage/test-harness/process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  lines: string[];
  exited: Promise<number | null>;
  child: ChildProcess;
}

/** Starts the example from its source with the given settings and arguments, collecting its output. */
function runExample(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(
    process.execPath,
    ['--conditions=@pulsestage/source', '--import', 'tsx', 'src/main.ts', ...args],
    {
      cwd: EXAMPLE_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { lines, exited, child };
}

/** The ids of the events a run printed (`#<id> …` lines), in order. */
const printedIds = (run: Run) => run.lines.flatMap((line) => /^#(\d+) /.exec(line)?.[1] ?? []).map(Number);

async function lineOf(run: Run, pattern: RegExp, what: string): Promise<string> {
  return vi.waitFor(
    () => {
      const line = run.lines.find((printed) => pattern.test(printed));
      if (line === undefined) throw new Error(`no line yet for ${what}`);
      return line;
    },
    { timeout: 15_000 },
  );
}

describe('examples/service-caller', () => {
  let api: EmbeddedApi;
  let settings: Record<string, string>;

  beforeAll(async () => {
    api = await EmbeddedApi.start();
    const stateFile = join(api.dataDir, 'example-state.json');
    const owner = await signIn(api.url, 'owner@demo.test');
    const { token } = await mutate<{ token: string }>(
      api.url,
      'tenant.createServiceToken',
      { tenant: 'demo', name: 'service-caller', role: 'member' },
      owner,
    );
    settings = { PULSESTAGE_URL: api.url, PULSESTAGE_TOKEN: token, PULSESTAGE_STATE_FILE: stateFile };
  });
  afterAll(async () => {
    await api?.dispose();
    killAllProcesses();
  });

  it('submits a question, prints what people do, and resumes after a restart with nothing lost or repeated', async () => {
    const first = runExample(settings, ['Will the example see this?']);
    const created = await lineOf(
      first,
      /^#\d+ new question .*Will the example see this\?/,
      'its own question',
    );
    const questionId = /new question ([0-9a-f-]{36})/.exec(created)?.[1] ?? '';
    const submitted = await lineOf(first, /^Submitted question .*\(meeting [0-9a-f-]{36}\)/, 'the meeting');
    const meetingId = /\(meeting ([0-9a-f-]{36})\)/.exec(submitted)?.[1] ?? '';
    const alice = await signIn(api.url, 'alice@demo.test');
    await mutate(api.url, 'question.upvote', { tenant: 'demo', meetingId, questionId }, alice);
    await lineOf(first, new RegExp(`question ${questionId} now has 1 upvote`), 'the upvote');
    first.child.kill('SIGTERM');
    expect(await within(first.exited, 10_000, 'the example to stop')).toBe(0);
    const lastShown = Math.max(...printedIds(first));

    const moderator = await signIn(api.url, 'mod@demo.test');
    const responseText = 'Yes, while it was stopped.';
    await mutate(
      api.url,
      'question.answer',
      { tenant: 'demo', meetingId, questionId, responseText },
      moderator,
    );

    const second = runExample(settings);
    try {
      await lineOf(
        second,
        new RegExp(`^Resuming the events of "demo" after #${lastShown} `),
        'the resume line',
      );
      await lineOf(
        second,
        new RegExp(`question ${questionId} answered: "${responseText}"`),
        'the missed answer',
      );
      expect(printedIds(second)).toEqual([lastShown + 1]);
    } finally {
      second.child.kill('SIGTERM');
      await within(second.exited, 10_000, 'the example to stop');
    }
  });

  it('says how to get a token when none is set, and stops with exit code 2', async () => {
    const run = runExample({ ...settings, PULSESTAGE_TOKEN: '' });
    expect(await within(run.exited, 15_000, 'the example to exit')).toBe(2);
    expect(run.lines.join('\n')).toMatch(/PULSESTAGE_TOKEN is not set.*admin page/);
  });

  it('says the token was refused when it is unknown, and stops with exit code 1', async () => {
    const run = runExample({ ...settings, PULSESTAGE_TOKEN: 'pst_not-a-real-token' });
    expect(await within(run.exited, 15_000, 'the example to exit')).toBe(1);
    expect(run.lines.join('\n')).toMatch(/refused PULSESTAGE_TOKEN/);
  });
});
