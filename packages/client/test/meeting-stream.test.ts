import type { EmbeddedApi } from '@pulsestage/test-harness/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseStageClient, ReceivedEvent } from '../src/index.js';
import { type DemoMeeting, startWithDemoCallers } from './support/accounts.js';
import { CollectedStream, currentEventId } from './support/collect.js';

/** eventsource retries a lost connection every 3 s; the API takes a second or two to start again. */
const RESUME_TIMEOUT_MS = 20_000;

const createdIds = (received: ReceivedEvent[]) =>
  received.flatMap(({ event }) => (event.type === 'question:created' ? [event.data.id] : []));
const presenceOf = (received: ReceivedEvent[]) =>
  received.flatMap((item) => (item.event.type === 'meeting:presence.v1' ? [item] : []));

describe('client.events with a meeting filter', () => {
  let api: EmbeddedApi;
  let member: PulseStageClient;
  let meeting: DemoMeeting;
  let other: DemoMeeting;

  beforeAll(async () => {
    let moderator: PulseStageClient;
    ({ api, meeting, member, moderator } = await startWithDemoCallers());
    const created = await moderator.meeting.create.mutate({ tenant: 'demo', title: 'Breakout' });
    await moderator.meeting.open.mutate({ tenant: 'demo', meetingId: created.id });
    other = { tenant: 'demo', meetingId: created.id };
  });

  afterAll(async () => {
    await api?.dispose();
  });

  async function ask(where: DemoMeeting, body: string): Promise<string> {
    return (await member.question.submit.mutate({ ...where, body })).id;
  }

  it('yields the meeting’s events and its presence, which has no id, and keeps the filter across a restart', async () => {
    const start = await currentEventId(member, meeting);
    const stream = new CollectedStream(member, { ...meeting, lastEventId: start });
    const wanted = [await ask(meeting, 'Here?')];
    await ask(other, 'Elsewhere?');
    wanted.push(await ask(meeting, 'Here again?'));
    await expect.poll(() => createdIds(stream.received), { timeout: 5000 }).toEqual(wanted);

    await api.restart('SIGKILL');
    await ask(other, 'Elsewhere after the crash?');
    wanted.push(await ask(meeting, 'Here after the crash?'));
    await expect.poll(() => createdIds(stream.received), { timeout: RESUME_TIMEOUT_MS }).toEqual(wanted);
    await stream.stop();

    expect(stream.error).toBeUndefined();
    const presence = presenceOf(stream.received);
    expect(presence.length).toBeGreaterThan(0);
    for (const { id, event } of presence) {
      expect(id).toBeUndefined();
      expect(event.data).toEqual({ meetingId: meeting.meetingId, watching: expect.any(Number) });
    }
    const ids = stream.ids().map(Number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
