/**
 * Pulse answers reach a service through `packages/client` with their typed payload when its token acts
 * as an admin, and never when it acts as a member.
 */
import { createPulseStageClient, type StreamEvent } from '@pulsestage/client';
import { mutate, signIn } from '@pulsestage/test-harness/accounts';
import { EmbeddedApi, killAllProcesses } from '@pulsestage/test-harness/process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const TENANT = 'demo';
const DAY_MS = 24 * 60 * 60 * 1000;
const LIVE_WAIT_MS = 15_000;

/** A tenant's events as a service sees them, from the moment its stream is open. */
interface FollowedStream {
  events: StreamEvent[];
  connected: Promise<void>;
  ended: Promise<void>;
}

interface PendingCheckins {
  checkins: { invitationId: string; question: { id: string } }[];
}

/** What a service learns of each answer; written against the typed union, so its fields typecheck. */
function recordedAnswers(events: readonly StreamEvent[]) {
  const answers: { questionId: string; score: number; submittedAt: string }[] = [];
  for (const event of events) {
    if (event.type === 'pulse.response.recorded.v1') {
      answers.push({
        questionId: event.data.questionId,
        score: event.data.score,
        submittedAt: event.data.submittedAt,
      });
    }
  }
  return answers;
}

/** The ids of the questions whose creation the stream carried. */
const createdQuestionIds = (events: readonly StreamEvent[]) =>
  events.flatMap((event) => (event.type === 'question:created' ? [event.data.id] : []));

/** Noon UTC (13:00 in Berlin, after the demo's 09:00) of the next `weekday` (0: Sunday) after `from`. */
function nextNoon(from: Date, weekday: number): Date {
  const ahead = (weekday - from.getUTCDay() + 7) % 7 || 7;
  const day = new Date(from.getTime() + ahead * DAY_MS);
  return new Date(`${day.toISOString().slice(0, 10)}T12:00:00Z`);
}

describe('pulse answers seen by a service', () => {
  let api: EmbeddedApi;
  const stop = new AbortController();
  let admin: FollowedStream;
  let member: FollowedStream;
  let memberToken: string;

  function follow(token: string): FollowedStream {
    const client = createPulseStageClient({ baseUrl: api.url, token });
    const events: StreamEvent[] = [];
    let connected = () => {};
    const opened = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const ended = (async () => {
      const stream = client.events({ tenant: TENANT, signal: stop.signal, onConnected: () => connected() });
      for await (const { event } of stream) events.push(event);
    })();
    return { events, connected: opened, ended };
  }

  async function queryAs<T>(cookie: string, path: string, input: unknown): Promise<T> {
    const url = `${api.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
    const response = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path} failed: ${response.status} ${text}`);
    return (JSON.parse(text) as { result: { data: T } }).result.data;
  }

  beforeAll(async () => {
    api = await EmbeddedApi.start({ env: { TEST_CLOCK: 'on' } });
    const owner = await signIn(api.url, 'owner@demo.test');
    const token = async (role: 'admin' | 'member') =>
      (
        await mutate<{ token: string }>(
          api.url,
          'tenant.createServiceToken',
          { tenant: TENANT, name: `pulse ${role}`, role },
          owner,
        )
      ).token;
    memberToken = await token('member');
    admin = follow(await token('admin'));
    member = follow(memberToken);
    await Promise.all([admin.connected, member.connected]);
  });
  afterAll(async () => {
    stop.abort();
    await Promise.allSettled([admin?.ended, member?.ended]);
    await api?.dispose();
    killAllProcesses();
  });

  it('gives an admin token each answer as pulse.response.recorded.v1, typed, and a member token none', async () => {
    // The weekend's cohort is invited on Saturday and the weekdays' on Monday: Alice is in one of them.
    const saturday = nextNoon(new Date(), 6);
    await api.process.setClock(saturday);
    await api.process.setClock(nextNoon(saturday, 1));
    const alice = await signIn(api.url, 'alice@demo.test');
    const { checkins } = await queryAs<PendingCheckins>(alice, 'pulse.pending', { tenant: TENANT });
    const [checkin] = checkins;
    if (!checkin) throw new Error('Alice was invited to no check-in');
    await mutate(
      api.url,
      'pulse.respond',
      { tenant: TENANT, invitationId: checkin.invitationId, score: 4 },
      alice,
    );

    // Something every member sees, after the answer: once it arrives, the answer has too where it may.
    const service = createPulseStageClient({ baseUrl: api.url, token: memberToken });
    const [meeting] = (await service.meeting.list.query({ tenant: TENANT, when: 'open' })).items;
    if (!meeting) throw new Error('the demo has no open meeting');
    const sentinel = await service.question.submit.mutate({
      tenant: TENANT,
      meetingId: meeting.id,
      body: 'Did the services see the check-in answer?',
    });
    await vi.waitFor(
      () => {
        for (const stream of [admin, member])
          expect(createdQuestionIds(stream.events)).toContain(sentinel.id);
      },
      { timeout: LIVE_WAIT_MS, interval: 50 },
    );

    expect(recordedAnswers(admin.events)).toEqual([
      { questionId: checkin.question.id, score: 4, submittedAt: expect.stringMatching(/T\d\d:00:00\.000Z$/) },
    ]);
    expect(member.events.map((event) => event.type)).not.toContain('pulse.response.recorded.v1');
    expect(recordedAnswers(member.events)).toEqual([]);
  });
});
