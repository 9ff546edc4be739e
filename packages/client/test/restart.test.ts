import type { EmbeddedApi } from '@pulsestage/test-harness/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseStageClient } from '../src/index.js';
import { type DemoMeeting, startWithDemoCallers } from './support/accounts.js';
import { CollectedStream, currentEventId, idsAfter } from './support/collect.js';

const demo = { tenant: 'demo' } as const;
/** eventsource retries a lost connection every 3 s; the API takes a second or two to start again. */
const RESUME_TIMEOUT_MS = 20_000;

async function submitQuestions(
  client: PulseStageClient,
  meeting: DemoMeeting,
  label: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 1; index <= count; index += 1) {
    const question = await client.question.submit.mutate({ ...meeting, body: `${label} question ${index}?` });
    ids.push(question.id);
  }
  return ids;
}

describe('client.events across API restarts', () => {
  let api: EmbeddedApi;
  let member: PulseStageClient;
  let meeting: DemoMeeting;

  beforeAll(async () => {
    ({ api, meeting, member } = await startWithDemoCallers());
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('resumes by itself after a crash and after a graceful restart, losing and repeating nothing', async () => {
    const start = await currentEventId(member, meeting);
    const stream = new CollectedStream(member, { ...demo, lastEventId: start });
    const submitted = await submitQuestions(member, meeting, 'Before the restarts', 3);
    await stream.waitForCount(3);

    await api.restart('SIGKILL');
    submitted.push(...(await submitQuestions(member, meeting, 'After the crash', 3)));
    await stream.waitForCount(6, RESUME_TIMEOUT_MS);

    await api.restart('SIGTERM');
    submitted.push(...(await submitQuestions(member, meeting, 'After the graceful restart', 3)));
    // A later question: once it is here, a repeated or stray event would have been too.
    submitted.push(...(await submitQuestions(member, meeting, 'Last', 1)));
    await stream.waitForCount(10, RESUME_TIMEOUT_MS);
    await stream.stop();

    expect(stream.error).toBeUndefined();
    expect(stream.ids()).toEqual(idsAfter(start, 10));
    const created = stream.received.map(({ event }) =>
      event.type === 'question:created' ? event.data.id : event.type,
    );
    expect(created).toEqual(submitted);
  });

  it('loses nothing across a crash before its first event, opened without lastEventId', async () => {
    let connections = 0;
    const stream = new CollectedStream(member, { ...demo, onConnected: () => (connections += 1) });
    await expect.poll(() => connections, { timeout: 5000 }).toBeGreaterThan(0);

    await api.restart('SIGKILL');
    const submitted = await submitQuestions(member, meeting, 'As soon as the API is back', 3);
    await stream.waitForCount(3, RESUME_TIMEOUT_MS);
    await stream.stop();

    expect(stream.error).toBeUndefined();
    expect(
      stream.received.map(({ event }) => (event.type === 'question:created' ? event.data.id : '')),
    ).toEqual(submitted);
  });
});
