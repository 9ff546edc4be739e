/**
 * The servers a storm runs against, behind one interface: the API (a meeting of its own, questions,
 * guests who joined by the meeting's code) and the minimal node:http SSE server (votes kept in memory).
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import type { UpvoteResult } from '@pulsestage/contracts';
import { DEMO_TENANT } from '@pulsestage/test-harness/accounts';
import { within } from '@pulsestage/test-harness/poll';
import { ApiClient, httpRequest, type MeetingRef, streamTarget } from './api-client.js';
import { type ServerProcess, startBaseline } from './processes.js';
import { profileArgs } from './profiles.js';
import { log } from './report.js';
import { type ApiSession, createQuestions, describeDatabase, pool, startApiSession } from './setup.js';
import type { StormOptions } from './storm-options.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** One acknowledged upvote or removal: the count it left and the event that carries it. */
export interface VoteAck {
  upvoteCount: number;
  eventId: number;
  sentAt: number;
  respondedAt: number;
}

/** An event that is never conflated, by the marker the load processes give it (loader.ts `markerOf`). */
export interface Published {
  marker: string;
  sentAt: number;
  respondedAt: number;
}

export interface StormTarget {
  name: string;
  server: ServerProcess;
  stream: { url: string; headers: Record<string, string> };
  /** The questions the voters toggle their votes on. */
  questions: string[];
  voters: number;
  toggle(voter: number, questionId: string, up: boolean): Promise<VoteAck>;
  /** Event `index` of the others: a new question (even), then its answer (odd). */
  publishOther(index: number): Promise<Published>;
  /** Each question's upvote count as the server holds it. */
  counts(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

const ANSWER = 'Answered during the storm.';

export function databaseName(database: DatabaseKind): string {
  return database === 'sqlite' ? 'SQLite' : 'PostgreSQL';
}

function setupTimeoutMs(options: StormOptions): number {
  const given = options['setup-timeout'];
  return given > 0 ? given * 1000 : 60_000 + Math.ceil(options.voters / 20) * 1000;
}

/** When a call was sent and answered, without what it answered. */
function timesOf({ sentAt, respondedAt }: { sentAt: number; respondedAt: number }) {
  return { sentAt, respondedAt };
}

function ackOf(result: { data: UpvoteResult; sentAt: number; respondedAt: number }): VoteAck {
  return { upvoteCount: result.data.upvoteCount, eventId: eventIdOf(result.data), ...timesOf(result) };
}

function eventIdOf(result: UpvoteResult): number {
  const eventId = Number(result.eventId);
  if (!Number.isSafeInteger(eventId) || eventId <= 0)
    throw new Error(`the upvote response carries no event id: ${JSON.stringify(result)}`);
  return eventId;
}

/** A meeting of the run's own that welcomes guests and holds no approval queue, open at once. */
async function openMeeting(session: ApiSession, runId: string): Promise<{ ref: MeetingRef; code: string }> {
  const { data } = await session.owner.mutation<{ id: string; code: string }>('meeting.create', {
    tenant: DEMO_TENANT,
    title: `Storm ${runId}`,
    opensAt: new Date().toISOString(),
    allowGuests: true,
    requireApproval: false,
  });
  return { ref: { tenant: DEMO_TENANT, meetingId: data.id }, code: data.code };
}

/**
 * A phone holds one connection to the site (HTTP/2 through the proxy, deploy/nginx.conf), opened when
 * the page loaded: the API sees the votes of a room on connections that are already open.
 */
const CONNECTIONS_PER_VOTER = 1;
/**
 * A voter's idle connection closes after this, before the servers' keep-alive timeout (65 s) does: a
 * request sent as the server closes the connection would be lost on the way.
 */
const VOTER_IDLE_MS = 60_000;

/** The connection of one voter's phone. */
function voterAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: CONNECTIONS_PER_VOTER, timeout: VOTER_IDLE_MS });
}

/**
 * Guests who joined by the meeting's code, each with the session joining gave it and a connection of
 * its own, as every phone in the room has.
 */
function joinGuests(session: ApiSession, code: string, count: number): Promise<ApiClient[]> {
  return pool(
    Array.from({ length: count }, (_unused, index) => index),
    16,
    async (index) => {
      const guest = new ApiClient(session.server.base, voterAgent());
      await guest.mutation('auth.joinWithCode', { code, name: `Storm voter ${index + 1}` });
      if (!guest.cookie) throw new Error(`guest ${index + 1} joined without a session cookie`);
      return guest;
    },
  );
}

async function prepareMeeting(session: ApiSession, options: StormOptions, runId: string) {
  const { ref, code } = await openMeeting(session, runId);
  const [questions, voters] = await Promise.all([
    createQuestions({ ...session, meeting: ref }, options.questions, runId),
    joinGuests(session, code, options.voters),
  ]);
  return { meeting: ref, questions, voters };
}

export async function apiTarget(
  options: StormOptions,
  database: DatabaseKind,
  runId: string,
): Promise<StormTarget> {
  const name = databaseName(database);
  log(
    `[${name}] starting the API (${describeDatabase({ database })}, ${options.built ? 'built dist' : 'sources via tsx'})`,
  );
  const session = await startApiSession({
    database,
    databaseUrl: options['database-url'],
    built: options.built,
    startTimeoutMs: 90_000,
    nodeArgs: profileArgs(options.profile),
  });
  log(`[${name}] creating a meeting, ${options.questions} questions and ${options.voters} guest voters`);
  const { meeting, questions, voters } = await within(
    prepareMeeting(session, options, runId),
    setupTimeoutMs(options),
    'creating the meeting, questions and voters',
  );
  let asked: string | undefined;
  return {
    name,
    server: session.server,
    stream: streamTarget(session.server.base, options.transport, session.alice.cookie, meeting),
    questions,
    voters: voters.length,
    async toggle(voter, questionId, up) {
      const result = await (voters[voter] as ApiClient).mutation<UpvoteResult>(
        up ? 'question.upvote' : 'question.removeUpvote',
        { ...meeting, questionId },
      );
      return ackOf(result);
    },
    async publishOther(index) {
      if (index % 2 === 0 || asked === undefined) {
        const result = await session.bob.mutation<{ id: string }>('question.submit', {
          ...meeting,
          body: `Storm ${runId}, question ${index + 1} asked during the storm: does everyone see it?`,
        });
        asked = result.data.id;
        return { marker: `c:${asked}`, ...timesOf(result) };
      }
      const questionId = asked;
      asked = undefined;
      const result = await session.owner.mutation('question.answer', {
        ...meeting,
        questionId,
        responseText: ANSWER,
      });
      return { marker: `a:${questionId}`, ...timesOf(result) };
    },
    async counts() {
      const found = await pool(questions, 8, (questionId) =>
        session.alice.query<{ upvoteCount: number }>('question.get', { ...meeting, questionId }),
      );
      return new Map(
        questions.map((questionId, index) => [questionId, found[index]?.data.upvoteCount ?? -1]),
      );
    },
    async stop() {
      session.agent.destroy();
      for (const voter of voters) voter.agent.destroy();
      await session.server.stop();
    },
  };
}

export async function baselineTarget(options: StormOptions): Promise<StormTarget> {
  log(
    `[baseline] starting the minimal node:http SSE server (${options['baseline-interval']} ms write interval)`,
  );
  const server = await startBaseline(
    options.transport,
    30_000,
    profileArgs(options.profile),
    options['baseline-interval'],
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const voterAgents = Array.from({ length: options.voters }, voterAgent);
  const meetingId = randomUUID();
  const questions = Array.from({ length: options.questions }, () => randomUUID());
  const post = async <T>(path: string, body: unknown, by = agent) => {
    const response = await httpRequest(
      by,
      `${server.base}${path}`,
      'POST',
      { 'content-type': 'application/json' },
      JSON.stringify(body),
    );
    if (response.status !== 200)
      throw new Error(`baseline ${path} answered HTTP ${response.status}: ${response.body.slice(0, 200)}`);
    return {
      data: JSON.parse(response.body) as T,
      sentAt: response.sentAt,
      respondedAt: response.respondedAt,
    };
  };
  let asked: string | undefined;
  return {
    name: 'baseline',
    server,
    stream: { url: `${server.base}/stream`, headers: { accept: 'text/event-stream' } },
    questions,
    voters: options.voters,
    async toggle(voter, questionId, up) {
      return ackOf(
        await post<UpvoteResult>(
          '/upvote',
          { meetingId, questionId, voter: `voter-${voter}`, up },
          voterAgents[voter],
        ),
      );
    },
    async publishOther(index) {
      if (index % 2 === 0 || asked === undefined) {
        asked = randomUUID();
        const data = {
          meetingId,
          id: asked,
          body: `Question ${index + 1} asked during the storm: does everyone see it?`,
          teamId: null,
          status: 'OPEN',
          upvoteCount: 0,
          submittedAt: new Date().toISOString(),
        };
        return {
          marker: `c:${asked}`,
          ...timesOf(await post('/publish', { type: 'question:created', data })),
        };
      }
      const id = asked;
      asked = undefined;
      const data = { meetingId, id, status: 'ANSWERED', responseText: ANSWER };
      return { marker: `a:${id}`, ...timesOf(await post('/publish', { type: 'question:answered', data })) };
    },
    async counts() {
      const response = await httpRequest(agent, `${server.base}/counts`, 'GET', {});
      const counts = JSON.parse(response.body) as Record<string, number>;
      return new Map(questions.map((questionId) => [questionId, counts[questionId] ?? 0]));
    },
    async stop() {
      agent.destroy();
      for (const voter of voterAgents) voter.destroy();
      await server.stop();
    },
  };
}
