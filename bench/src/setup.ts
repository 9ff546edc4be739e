/** Bringing up the API with the demo tenant and the accounts a benchmark needs. */
import { randomInt } from 'node:crypto';
import { Agent } from 'node:http';
import { DEMO_PASSWORD, DEMO_TENANT } from '@pulsestage/test-harness/accounts';
import { within } from '@pulsestage/test-harness/poll';
import { ApiClient, type MeetingRef } from './api-client.js';
import { createPostgresDatabase, postgresUrl, type ServerProcess, startApi } from './processes.js';

export interface ApiSession {
  server: ServerProcess;
  agent: Agent;
  client(): ApiClient;
  /** Whose session the subscribers use. */
  alice: ApiClient;
  bob: ApiClient;
  owner: ApiClient;
  /** The demo's running meeting, where the benchmark asks, votes and listens. */
  meeting: MeetingRef;
}

interface StartOptions {
  database: 'sqlite' | 'postgres';
  databaseUrl: string | undefined;
  built: boolean;
  startTimeoutMs: number;
  nodeArgs?: string[];
  /** Settings for the API beyond the harness's own, e.g. RATE_LIMITS=off. */
  env?: Record<string, string>;
}

export function describeDatabase(options: Pick<StartOptions, 'database'>): string {
  return options.database === 'postgres' ? 'PostgreSQL (fresh database)' : 'SQLite (fresh DATA_DIR)';
}

export async function startApiSession(options: StartOptions): Promise<ApiSession> {
  const databaseUrl =
    options.database === 'postgres'
      ? await createPostgresDatabase(postgresUrl(options.databaseUrl))
      : undefined;
  const server = await startApi({
    built: options.built,
    databaseUrl,
    startTimeoutMs: options.startTimeoutMs,
    nodeArgs: options.nodeArgs,
    env: options.env,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const client = () => new ApiClient(server.base, agent);
  const [alice, bob, owner] = await within(
    Promise.all([
      client().signIn('alice@demo.test'),
      client().signIn('bob@demo.test'),
      client().signIn('owner@demo.test'),
    ]),
    30_000,
    'signing in the demo accounts',
  );
  return { server, agent, client, alice, bob, owner, meeting: await openMeeting(alice) };
}

async function openMeeting(caller: ApiClient): Promise<MeetingRef> {
  const { data } = await caller.query<{ items: { id: string }[] }>('meeting.list', {
    tenant: DEMO_TENANT,
    when: 'open',
  });
  const meeting = data.items[0];
  if (!meeting) throw new Error(`the ${DEMO_TENANT} tenant has no open meeting`);
  return { tenant: DEMO_TENANT, meetingId: meeting.id };
}

/** Runs `work` over `items` with at most `concurrency` at once, in order of start. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Bob's questions, for others to upvote (a user cannot upvote their own). */
export async function createQuestions(session: ApiSession, count: number, label: string): Promise<string[]> {
  const created = await pool(
    Array.from({ length: count }, (_unused, index) => index),
    8,
    (index) =>
      session.bob.mutation<{ id: string }>('question.submit', {
        ...session.meeting,
        body: `${label} question ${index + 1}: which of these gets the most votes?`,
      }),
  );
  return created.map((result) => result.data.id);
}

/** New accounts that joined the demo tenant as members, each signed in with its own session. */
/**
 * Names one run's accounts and questions apart from earlier runs'. Digits only: the profanity filter
 * reads a number on its own as a number, while letters and digits together may spell a word in l33t,
 * and a question held for review never reaches the subscribers being measured.
 */
export const newRunId = () => String(randomInt(100_000_000)).padStart(8, '0');

export async function createMembers(session: ApiSession, count: number, runId: string): Promise<ApiClient[]> {
  const link = await session.owner.mutation<{ code: string }>('tenant.createJoinLink', {
    tenant: DEMO_TENANT,
  });
  return pool(
    Array.from({ length: count }, (_unused, index) => index),
    4,
    async (index) => {
      const member = session.client();
      await member.mutation('auth.signUp', {
        email: `bench-${runId}-${index}@bench.test`,
        password: DEMO_PASSWORD,
        name: `Bench voter ${index + 1}`,
      });
      await member.mutation('auth.joinWithCode', { code: link.data.code });
      return member;
    },
  );
}
