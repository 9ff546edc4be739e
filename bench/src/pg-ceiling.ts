/**
 * The PostgreSQL side of the write path without PulseStage: how many transactions per second this
 * server commits when each one takes the tenant's sequence-row lock (as appendEvent / lockOutbox do),
 * so that one tenant's writers commit one at a time. Runs pgbench (C client, extended protocol like
 * Kysely's parameterized queries) on a fresh database with the same tables, then the same upvote
 * transaction from one Node process through `pg` (as the API's pool does), and drops the database.
 *
 *   pnpm --filter @pulsestage/bench pg-ceiling -- --database-url postgres://postgres@127.0.0.1:5432/postgres
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '@pulsestage/test-harness/poll';
import pg from 'pg';
import type { OptionSpec, parseOptions } from './args.js';
import { runCommand } from './command.js';
import { installExitHandlers, onCleanup } from './lifecycle.js';
import { cpuSeconds } from './proc-stats.js';
import { createPostgresDatabase, postgresUrl } from './processes.js';
import { monotonicMs } from './protocol.js';
import { type Cell, formatNumber, log, table } from './report.js';

const SPEC = {
  'database-url': {
    kind: 'string',
    help: 'PostgreSQL server (else TEST_DATABASE_URL); a fresh database is created on it and dropped',
  },
  duration: { kind: 'number', default: 10, min: 1, help: 'seconds per scenario' },
  clients: {
    kind: 'int',
    default: 10,
    min: 1,
    help: 'connections running transactions at once (the API pool has 10)',
  },
  concurrency: {
    kind: 'int',
    default: 16,
    min: 1,
    help: 'transactions in flight in the Node scenario (as pnpm bench:write)',
  },
  'stall-ms': {
    kind: 'number',
    default: 5,
    min: 0,
    help: 'the last scenario blocks the Node event loop this long every 2× as long, as a fan-out does (0: skip)',
  },
  pgbench: { kind: 'string', default: 'pgbench', help: 'the pgbench executable' },
  timeout: { kind: 'number', default: 600, min: 10, help: 'seconds for the whole run' },
} as const satisfies Record<string, OptionSpec>;

type Options = ReturnType<typeof parseOptions<typeof SPEC>>;

const SCHEMA = `
CREATE TABLE questions (id text PRIMARY KEY, tenant_id text NOT NULL, status text NOT NULL DEFAULT 'OPEN');
CREATE TABLE upvotes (
  question_id text NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  voter_id text NOT NULL,
  created_at text NOT NULL,
  PRIMARY KEY (question_id, voter_id)
);
CREATE TABLE event_sequences (tenant_id text PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0);
CREATE TABLE events (
  tenant_id text NOT NULL, seq bigint NOT NULL, type text NOT NULL, audience text NOT NULL,
  data text NOT NULL, timestamp bigint NOT NULL, PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX events_timestamp ON events (timestamp);
INSERT INTO questions (id, tenant_id) SELECT 'q' || i, 'demo' FROM generate_series(1, 8) AS i;
INSERT INTO event_sequences (tenant_id) SELECT 'demo' UNION ALL SELECT 't' || i FROM generate_series(0, 255) AS i;
`;

/** The tenant whose sequence row a transaction locks: one for everyone, or one per connection. */
type Tenant = 'shared' | 'per-client';

function tenantSql(tenant: Tenant): string {
  return tenant === 'shared' ? `'demo'` : `'t' || :client_id`;
}

/** One row lock, one update, commit: the least a serialized writer can do. */
function hotRowScript(tenant: Tenant): string {
  return [
    'BEGIN;',
    `UPDATE event_sequences SET last_seq = last_seq + 1 WHERE tenant_id = ${tenantSql(tenant)};`,
    'COMMIT;',
  ].join('\n');
}

/**
 * The statements of question.upvote / removeUpvote inside its transaction, in the API's order: the
 * question, the toggle, lockOutbox, the count, appendEvent (sequence, event row), commit. The lock
 * is held from lockOutbox to the end of COMMIT: four statements and the commit's WAL flush. Each
 * connection votes as its own user, so no two toggle the same (question, voter) pair at once.
 */
function upvoteScript(tenant: Tenant, asyncCommit: boolean): string {
  const t = tenantSql(tenant);
  return [
    '\\set q random(1, 8)',
    'BEGIN;',
    ...(asyncCommit ? ['SET LOCAL synchronous_commit = off;'] : []),
    `SELECT q.id, q.status, (SELECT count(*) FROM upvotes u WHERE u.question_id = q.id) AS upvote_count FROM questions q WHERE q.id = 'q' || :q AND q.tenant_id = 'demo';`,
    `WITH removed AS (DELETE FROM upvotes WHERE question_id = 'q' || :q AND voter_id = 'v' || :client_id RETURNING 1) INSERT INTO upvotes SELECT 'q' || :q, 'v' || :client_id, now()::text WHERE NOT EXISTS (SELECT 1 FROM removed);`,
    `UPDATE event_sequences SET last_seq = last_seq WHERE tenant_id = ${t};`,
    `SELECT count(*) FROM upvotes WHERE question_id = 'q' || :q;`,
    `UPDATE event_sequences SET last_seq = last_seq + 1 WHERE tenant_id = ${t} RETURNING last_seq \\gset`,
    // A payload of the size of an upvote event's (pgbench would read the colons of JSON as variables).
    `INSERT INTO events VALUES (${t}, :last_seq, 'question.upvoted', 'all', repeat('x', 40), 0);`,
    'COMMIT;',
  ].join('\n');
}

interface Scenario {
  name: string;
  script: string;
  statementsUnderLock: string;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'one shared row: UPDATE + COMMIT',
    script: hotRowScript('shared'),
    statementsUnderLock: '1 + commit',
  },
  {
    name: 'upvote transaction, one shared sequence row (the API)',
    script: upvoteScript('shared', false),
    statementsUnderLock: '4 + commit',
  },
  {
    name: 'upvote transaction, shared row, synchronous_commit off',
    script: upvoteScript('shared', true),
    statementsUnderLock: '4 + commit (no flush wait)',
  },
  {
    name: 'upvote transaction, a sequence row per connection',
    script: upvoteScript('per-client', false),
    statementsUnderLock: 'none shared',
  },
];

interface Result {
  name: string;
  client: string;
  clients: number;
  perSecond?: number;
  latencyMs?: number;
  cpuMsPerTransaction?: number;
  underLock: string;
  failure?: string;
}

function runPgbench(options: Options, url: string, script: string, dir: string): Promise<string> {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.sql`);
  writeFileSync(file, `${script}\n`);
  const clients = String(options.clients);
  const args = ['-n', '-M', 'extended', '-c', clients, '-j', '2', '-T', String(options.duration), '-f', file];
  return new Promise((done, fail) => {
    execFile(
      options.pgbench,
      [...args, url],
      { timeout: (options.duration + 60) * 1000, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`pgbench failed: ${error.message}\n${stderr}`));
        else done(stdout);
      },
    );
  });
}

/**
 * The same upvote transaction from Node through pg's pool: what the driver adds to the server's work.
 * With `stallMs`, a timer blocks the event loop for stallMs of every 2 × stallMs, as the API's write
 * loop to 1,000 subscribers does: each statement under the lock then waits for the loop as well.
 */
async function runNode(options: Options, url: string, stallMs = 0): Promise<Result> {
  const pool = new pg.Pool({ connectionString: url, max: options.clients });
  const stall =
    stallMs > 0
      ? setInterval(() => {
          const until = monotonicMs() + stallMs;
          while (monotonicMs() < until);
        }, stallMs * 2)
      : undefined;
  const statements = [
    `SELECT q.id, q.status, (SELECT count(*) FROM upvotes u WHERE u.question_id = q.id) AS upvote_count FROM questions q WHERE q.id = $1 AND q.tenant_id = 'demo'`,
    `WITH removed AS (DELETE FROM upvotes WHERE question_id = $1 AND voter_id = $2 RETURNING 1) INSERT INTO upvotes SELECT $1, $2, now()::text WHERE NOT EXISTS (SELECT 1 FROM removed)`,
  ];
  let done = 0;
  let latencyTotal = 0;
  const cpuBefore = cpuSeconds(process.pid);
  const start = monotonicMs();
  const deadline = start + options.duration * 1000;
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_unused, worker) => {
        for (let turn = 0; monotonicMs() < deadline; turn++) {
          const question = `q${((worker + turn) % 8) + 1}`;
          const voter = `v${worker}`;
          const sentAt = monotonicMs();
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(statements[0] as string, [question]);
            await client.query(statements[1] as string, [question, voter]);
            await client.query(`UPDATE event_sequences SET last_seq = last_seq WHERE tenant_id = $1`, [
              'demo',
            ]);
            await client.query('SELECT count(*) FROM upvotes WHERE question_id = $1', [question]);
            const { rows } = await client.query<{ last_seq: string }>(
              'UPDATE event_sequences SET last_seq = last_seq + 1 WHERE tenant_id = $1 RETURNING last_seq',
              ['demo'],
            );
            await client.query('INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6)', [
              'demo',
              rows[0]?.last_seq,
              'question:upvoted',
              'all',
              JSON.stringify({ questionId: question, upvoteCount: 1 }),
              Date.now(),
            ]);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          } finally {
            client.release();
          }
          done++;
          latencyTotal += monotonicMs() - sentAt;
        }
      }),
    );
  } finally {
    clearInterval(stall);
    await pool.end();
  }
  const elapsed = (monotonicMs() - start) / 1000;
  const cpu = cpuSeconds(process.pid) - cpuBefore;
  return {
    name: 'upvote transaction, one shared sequence row (the API)',
    client:
      `Node pg, ${options.concurrency} in flight` +
      (stallMs > 0 ? `, loop blocked ${stallMs} of every ${stallMs * 2} ms` : ''),
    clients: options.clients,
    perSecond: done / elapsed,
    latencyMs: done ? latencyTotal / done : undefined,
    cpuMsPerTransaction: done ? (cpu / done) * 1000 : undefined,
    underLock: '4 + commit',
  };
}

function parsePgbench(output: string): { perSecond?: number; latencyMs?: number } {
  const tps = /^tps = ([\d.]+)/m.exec(output);
  const latency = /^latency average = ([\d.]+) ms/m.exec(output);
  return {
    perSecond: tps ? Number(tps[1]) : undefined,
    latencyMs: latency ? Number(latency[1]) : undefined,
  };
}

function print(options: Options, results: Result[]): void {
  const rows: Cell[][] = results.map((result) => [
    result.name,
    result.client,
    result.clients,
    result.underLock,
    formatNumber(result.perSecond, 0),
    formatNumber(result.latencyMs, 2),
    formatNumber(result.cpuMsPerTransaction, 2),
  ]);
  console.log(
    [
      '',
      `PostgreSQL commit ceiling: ${options.duration} s per scenario, loopback, fresh database`,
      '',
      table(
        [
          'transaction',
          'client',
          'connections',
          'statements holding the lock',
          'transactions/s',
          'latency avg (ms)',
          'client CPU ms per tx',
        ],
        rows,
      ),
      '',
      ...results
        .filter((result) => result.failure)
        .map((result) => `${result.name}: FAILED: ${result.failure}`),
    ].join('\n'),
  );
}

async function main(options: Options): Promise<number> {
  const results: Result[] = [];
  installExitHandlers(options.timeout * 1000, () => print(options, results));
  const url = await createPostgresDatabase(postgresUrl(options['database-url']));
  const dir = mkdtempSync(join(tmpdir(), 'pulsestage-pgbench-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const setup = new pg.Client({ connectionString: url });
  await within(setup.connect(), 10_000, 'connecting to PostgreSQL');
  try {
    await setup.query(SCHEMA);
    const settings = await setup.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay')`,
    );
    log(`server: ${settings.rows.map((row) => `${row.name}=${row.setting}`).join(', ')}`);
    for (const scenario of SCENARIOS) {
      log(`pgbench: ${scenario.name} (${options.clients} connections, ${options.duration} s)`);
      const result: Result = {
        name: scenario.name,
        client: 'pgbench',
        clients: options.clients,
        underLock: scenario.statementsUnderLock,
      };
      results.push(result);
      try {
        Object.assign(result, parsePgbench(await runPgbench(options, url, scenario.script, dir)));
      } catch (error) {
        result.failure = error instanceof Error ? error.message : String(error);
      }
    }
    log(`Node pg: upvote transaction (${options.clients} connections, ${options.duration} s)`);
    results.push(await within(runNode(options, url), (options.duration + 60) * 1000, 'the Node scenario'));
    if (options['stall-ms'] > 0) {
      log(
        `Node pg: the same with the event loop blocked ${options['stall-ms']} ms of every ${options['stall-ms'] * 2}`,
      );
      results.push(
        await within(
          runNode(options, url, options['stall-ms']),
          (options.duration + 60) * 1000,
          'the Node scenario with a busy event loop',
        ),
      );
    }
  } finally {
    await setup.end();
  }
  print(options, results);
  return results.some((result) => result.failure) ? 1 : 0;
}

runCommand('pnpm --filter @pulsestage/bench pg-ceiling', SPEC, main);
