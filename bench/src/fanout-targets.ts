/**
 * The two servers the fan-out benchmark measures, behind one interface: the API (events through real
 * mutations) and the minimal node:http SSE server (events posted to it directly).
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { within } from '@pulsestage/test-harness/poll';
import { httpRequest, streamTarget } from './api-client.js';
import type { FanoutOptions } from './fanout-options.js';
import { type ServerProcess, startBaseline } from './processes.js';
import { profileArgs } from './profiles.js';
import { formatNumber, log } from './report.js';
import { createQuestions, describeDatabase, startApiSession } from './setup.js';

type MutationKind = 'submit' | 'upvote';

/** One mutation as the publisher saw it. */
interface Published {
  marker: string;
  sentAt: number;
  respondedAt: number;
}

export interface Target {
  name: 'API' | 'baseline';
  server: ServerProcess;
  stream: { url: string; headers: Record<string, string> };
  publish(index: number): Promise<Published>;
  /** What the server counted itself, for the report (the baseline's writes per subscriber). */
  stats?(): Promise<string>;
  stop(): Promise<void>;
}

export function plan(options: FanoutOptions): MutationKind[] {
  return Array.from({ length: options.events }, (_unused, index) => {
    if (options.mix === 'submit') return 'submit';
    if (options.mix === 'upvote') return 'upvote';
    return index % 2 === 0 ? 'submit' : 'upvote';
  });
}

export async function apiTarget(
  options: FanoutOptions,
  kinds: MutationKind[],
  runId: string,
): Promise<Target> {
  log(`[API] starting (${describeDatabase(options)}, ${options.built ? 'built dist' : 'sources via tsx'})`);
  const session = await startApiSession({
    database: options.database,
    databaseUrl: options['database-url'],
    built: options.built,
    startTimeoutMs: 90_000,
    nodeArgs: profileArgs(options.profile),
  });
  const upvotes = kinds.filter((kind) => kind === 'upvote').length;
  log(`[API] ready at ${session.server.base}; bob submits ${upvotes} question(s) for alice to upvote`);
  const questions = await within(
    createQuestions(session, upvotes, runId),
    120_000,
    'creating questions to upvote',
  );
  const upvoteIndex = new Map<number, string>();
  let next = 0;
  kinds.forEach((kind, index) => {
    if (kind === 'upvote') upvoteIndex.set(index, questions[next++] as string);
  });
  return {
    name: 'API',
    server: session.server,
    stream: streamTarget(session.server.base, options.transport, session.alice.cookie, session.meeting),
    async publish(index) {
      const questionId = upvoteIndex.get(index);
      if (questionId) {
        const result = await session.alice.mutation<{ upvoteCount: number }>('question.upvote', {
          ...session.meeting,
          questionId,
        });
        return { marker: `u:${questionId}:${result.data.upvoteCount}`, ...result };
      }
      const result = await session.bob.mutation<{ id: string }>('question.submit', {
        ...session.meeting,
        body: `Benchmark ${runId}, event ${index + 1}: how well does the live stream fan out?`,
      });
      return { marker: `c:${result.data.id}`, ...result };
    },
    async stop() {
      session.agent.destroy();
      await session.server.stop();
    },
  };
}

export async function baselineTarget(
  options: FanoutOptions,
  kinds: MutationKind[],
  runId: string,
): Promise<Target> {
  log('[baseline] starting the minimal node:http SSE server');
  const server = await startBaseline(
    options.transport,
    30_000,
    profileArgs(options.profile),
    options['baseline-coalesce'],
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const questions = kinds.map(() => randomUUID());
  const publish = async (body: unknown): Promise<{ sentAt: number; respondedAt: number }> => {
    const response = await httpRequest(
      agent,
      `${server.base}/publish`,
      'POST',
      { 'content-type': 'application/json' },
      JSON.stringify(body),
    );
    if (response.status !== 200) throw new Error(`baseline /publish answered HTTP ${response.status}`);
    return response;
  };
  return {
    name: 'baseline',
    server,
    stream: { url: `${server.base}/stream`, headers: { accept: 'text/event-stream' } },
    async publish(index) {
      const id = questions[index] as string;
      if (kinds[index] === 'upvote') {
        const result = await publish({ type: 'question:upvoted', data: { questionId: id, upvoteCount: 1 } });
        return { marker: `u:${id}:1`, sentAt: result.sentAt, respondedAt: result.respondedAt };
      }
      const result = await publish({
        type: 'question:created',
        data: {
          id,
          body: `Benchmark ${runId}, event ${index + 1}: how well does the live stream fan out?`,
          teamId: null,
          status: 'OPEN',
          upvoteCount: 0,
          submittedAt: new Date().toISOString(),
        },
      });
      return { marker: `c:${id}`, sentAt: result.sentAt, respondedAt: result.respondedAt };
    },
    async stats() {
      const response = await httpRequest(agent, `${server.base}/stats`, 'GET', {});
      const { events, writes } = JSON.parse(response.body) as { events: number; writes: number };
      return `${writes} writes to responses for ${events} events: ${formatNumber(writes > 0 ? (events * options.subscribers) / writes : undefined, 2)} events per write`;
    },
    async stop() {
      agent.destroy();
      await server.stop();
    },
  };
}
