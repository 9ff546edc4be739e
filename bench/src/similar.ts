/**
 * Similar-question benchmark: how long `question.similar` takes in a meeting of many questions, called
 * over HTTP the way the submit box calls it while someone types (partial text, rephrasings, unrelated
 * text), on SQLite and/or PostgreSQL. See README.md.
 *
 *   pnpm bench:similar --database both --questions 2000 --calls 2000
 */
import { writeFileSync } from 'node:fs';
import { DEMO_TENANT } from '@pulsestage/test-harness/accounts';
import { within } from '@pulsestage/test-harness/poll';
import type { ApiClient, MeetingRef } from './api-client.js';
import type { OptionSpec, parseOptions } from './args.js';
import { COMMON_OPTIONS, DATABASE_OPTIONS, runCommand } from './command.js';
import { Histogram } from './histogram.js';
import { installExitHandlers } from './lifecycle.js';
import { postgresUrl } from './processes.js';
import { monotonicMs } from './protocol.js';
import { type Cell, formatNumber, log, table } from './report.js';
import { type ApiSession, pool, startApiSession } from './setup.js';
import { type DatabaseKind, databaseName } from './storm-targets.js';

const SPEC = {
  ...DATABASE_OPTIONS,
  questions: { kind: 'int', default: 2000, min: 1, help: 'questions in the meeting' },
  calls: { kind: 'int', default: 2000, min: 1, help: 'question.similar calls measured per database' },
  concurrency: { kind: 'int', default: 4, min: 1, help: 'calls in flight (people typing at once)' },
  seed: { kind: 'int', default: 1, min: 0, help: 'seed of the generated questions and texts' },
  built: COMMON_OPTIONS.built,
  json: COMMON_OPTIONS.json,
  timeout: COMMON_OPTIONS.timeout,
} as const satisfies Record<string, OptionSpec>;

type Options = ReturnType<typeof parseOptions<typeof SPEC>>;
const WARM_UP_CALLS = 50;

interface SimilarRun {
  database: DatabaseKind;
  latency: Histogram;
  errors: number;
  errorSamples: string[];
  /** Calls that found at least one question. */
  found: number;
  seedSeconds?: number;
  failure?: string;
}

// ---------------------------------------------------------------------------------------------
// Questions and texts

/** A small deterministic generator (mulberry32), so every run asks the same questions. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const OPENERS = [
  'When will',
  'Can we expect',
  'What is the plan for',
  'Is there an update on',
  'How will we handle',
  'Why did we change',
  'Who decides on',
  'Could you explain',
  'Are we still committed to',
  'What happens to',
  'How do we measure',
  'Will there be news about',
];
const SUBJECTS = [
  'the office move',
  'the hybrid schedule',
  'the learning budget',
  'parental leave',
  'the spring release',
  'the on-call rotation',
  'the pricing change',
  'the hiring freeze',
  'the Lisbon office',
  'the mobile app roadmap',
  'the CRM migration',
  'the quarterly bonus',
  'the annual review cycle',
  'the security training',
  'the cloud costs',
  'the customer support backlog',
  'the holiday party',
  'the parking garage',
  'the standing desks',
  'the laptop refresh',
  'the sales kickoff',
  'the open-source policy',
  'the accessibility audit',
  'the data retention rules',
  'the warehouse expansion',
  'the partner program',
  'the internal tools',
  'the engineering ladder',
  'the travel policy',
  'the wellness stipend',
  'the reorg',
  'the town hall recordings',
  'the carbon footprint',
  'the vendor contracts',
  'the API deprecation',
  'the design system',
  'the intern program',
  'the product analytics',
  'the outage postmortem',
  'the remote stipend',
];
const QUALIFIERS = [
  'next quarter',
  'this year',
  'after the reorg',
  'for the European teams',
  'for new hires',
  'in the long run',
  'given the budget cuts',
  'before the summer',
  'for contractors',
  'compared with last year',
  'for people in other time zones',
  'once the merger closes',
];

const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)] as T;

/** `count` different questions, as people word them. */
function questionsOf(count: number, next: () => number): string[] {
  const bodies = new Set<string>();
  while (bodies.size < count) {
    const qualifier = next() < 0.7 ? ` ${pick(QUALIFIERS, next)}` : '';
    const body = `${pick(OPENERS, next)} ${pick(SUBJECTS, next)}${qualifier}?`;
    bodies.add(bodies.has(body) ? `${body.slice(0, -1)} (${bodies.size})?` : body);
  }
  return [...bodies];
}

/** What the submit box sends: the start of a question being typed, a rewording, or something new. */
function typedText(questions: readonly string[], next: () => number): string {
  const kind = next();
  const question = pick(questions, next);
  if (kind < 0.6) return question.slice(0, 8 + Math.floor(next() * (question.length - 8)));
  if (kind < 0.9) {
    const words = question.replace(/\?$/, '').split(' ');
    return words.filter(() => next() > 0.3).join(' ') || question;
  }
  return `${pick(['Any news on', 'Thoughts about', 'Quick one:'], next)} ${pick(['lunch', 'the wifi', 'badges', 'the gym'], next)}`;
}

// ---------------------------------------------------------------------------------------------
// A run

async function newMeeting(owner: ApiClient): Promise<MeetingRef> {
  const { data } = await owner.mutation<{ id: string }>('meeting.create', {
    tenant: DEMO_TENANT,
    title: 'Similar questions benchmark',
    opensAt: new Date().toISOString(),
  });
  return { tenant: DEMO_TENANT, meetingId: data.id };
}

/** Asks every question, spread over the demo accounts. */
async function seedQuestions(session: ApiSession, meeting: MeetingRef, bodies: string[]): Promise<void> {
  const authors = [session.alice, session.bob, session.owner];
  await pool(bodies, 8, (body, index) =>
    (authors[index % authors.length] as ApiClient).mutation('question.submit', { ...meeting, body }),
  );
}

async function callRepeatedly(
  caller: ApiClient,
  meeting: MeetingRef,
  texts: string[],
  concurrency: number,
  run: SimilarRun | undefined,
): Promise<void> {
  await pool(texts, concurrency, async (body) => {
    const sentAt = monotonicMs();
    try {
      const result = await caller.query<unknown[]>('question.similar', { ...meeting, body });
      if (!run) return;
      run.latency.record(result.respondedAt - result.sentAt);
      if (result.data.length > 0) run.found++;
    } catch (error) {
      if (!run) return;
      run.errors++;
      run.latency.record(monotonicMs() - sentAt);
      if (run.errorSamples.length < 5) run.errorSamples.push(String(error));
    }
  });
}

async function measure(database: DatabaseKind, options: Options, run: SimilarRun): Promise<void> {
  const tag = `[${database}]`;
  log(`${tag} starting the API`);
  // Seeding asks far faster than anyone may: limits off, as for every load test.
  const session = await startApiSession({
    database,
    databaseUrl: options['database-url'],
    built: options.built,
    startTimeoutMs: 90_000,
    env: { RATE_LIMITS: 'off' },
  });
  try {
    const next = random(options.seed);
    const bodies = questionsOf(options.questions, next);
    const meeting = await newMeeting(session.owner);
    log(`${tag} asking ${bodies.length} questions`);
    const seedStart = monotonicMs();
    await within(seedQuestions(session, meeting, bodies), 600_000, 'asking the questions');
    run.seedSeconds = (monotonicMs() - seedStart) / 1000;
    const texts = Array.from({ length: options.calls }, () => typedText(bodies, next));
    const warmUp = texts.slice(0, WARM_UP_CALLS);
    await callRepeatedly(session.alice, meeting, warmUp, options.concurrency, undefined);
    log(`${tag} ${options.calls} calls, ${options.concurrency} in flight`);
    await callRepeatedly(session.alice, meeting, texts, options.concurrency, run);
  } finally {
    session.agent.destroy();
    await session.server.stop();
  }
}

function printResults(options: Options, runs: SimilarRun[]): boolean {
  const ms = (run: SimilarRun, q: number) =>
    formatNumber(run.latency.count ? run.latency.quantile(q) : undefined);
  const rows: [string, (run: SimilarRun) => Cell][] = [
    ['calls', (run) => run.latency.count],
    ['errors', (run) => run.errors],
    ['calls that found a question', (run) => run.found],
    ['p50 (ms)', (run) => ms(run, 0.5)],
    ['p95 (ms)', (run) => ms(run, 0.95)],
    ['p99 (ms)', (run) => ms(run, 0.99)],
    ['max (ms)', (run) => formatNumber(run.latency.count ? run.latency.max : undefined)],
    ['seconds to ask the questions', (run) => formatNumber(run.seedSeconds, 1)],
  ];
  const header = ['figure', ...runs.map((run) => databaseName(run.database))];
  const lines = [
    '',
    `question.similar in a meeting of ${options.questions} questions: ${options.calls} calls, ` +
      `${options.concurrency} in flight, ${options.built ? 'built API' : 'API from sources via tsx'}, loopback`,
    '',
    table(
      header,
      rows.map(([label, value]) => [label, ...runs.map(value)]),
    ),
    '',
  ];
  let incorrect = false;
  for (const run of runs) {
    const name = databaseName(run.database);
    if (run.errorSamples.length) lines.push(`${name}: errors: ${run.errorSamples.join('; ')}`);
    if (run.failure) lines.push(`${name}: FAILED: ${run.failure}`);
    if (run.errors || run.failure) incorrect = true;
  }
  console.log(lines.join('\n'));
  return incorrect;
}

async function main(options: Options): Promise<number> {
  const runs: SimilarRun[] = [];
  installExitHandlers(options.timeout * 1000, () => printResults(options, runs));
  const databases: DatabaseKind[] = options.database === 'both' ? ['sqlite', 'postgres'] : [options.database];
  if (databases.includes('postgres')) postgresUrl(options['database-url']);
  for (const database of databases) {
    const run: SimilarRun = { database, latency: new Histogram(), errors: 0, errorSamples: [], found: 0 };
    runs.push(run);
    try {
      await measure(database, options, run);
    } catch (error) {
      run.failure = error instanceof Error ? error.message : String(error);
      break;
    }
  }
  const incorrect = printResults(options, runs);
  if (options.json) {
    const figures = runs.map((run) => ({
      database: run.database,
      failure: run.failure ?? null,
      calls: run.latency.count,
      errors: run.errors,
      found: run.found,
      p50: run.latency.quantile(0.5),
      p95: run.latency.quantile(0.95),
      p99: run.latency.quantile(0.99),
      max: run.latency.max,
    }));
    writeFileSync(options.json, `${JSON.stringify({ options, runs: figures }, null, 2)}\n`);
  }
  return incorrect ? 1 : 0;
}

runCommand('pnpm bench:similar', SPEC, main);
