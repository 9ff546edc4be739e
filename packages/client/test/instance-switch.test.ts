/**
 * Two API instances on one PostgreSQL database sharing the live stream (EVENT_BUS=postgres), behind a
 * proxy that moves the traffic from one to the other: a stream that has yielded nothing yet resumes on
 * the other instance from where it started.
 */
import { createScratchDatabase, type ScratchDatabase } from '@pulsestage/test-harness/postgres';
import { ApiProcess, killAllProcesses } from '@pulsestage/test-harness/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseStageClient } from '../src/index.js';
import { type DemoMeeting, openDemoMeeting, serviceClient, signedInClient } from './support/accounts.js';
import { CollectedStream } from './support/collect.js';
import { StreamProxy } from './support/stream-proxy.js';

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl)
  console.warn('TEST_DATABASE_URL is not set: the instance switch test of client.events is skipped.');

const demo = { tenant: 'demo' } as const;
/** eventsource retries a lost connection every 3 s. */
const RESUME_TIMEOUT_MS = 20_000;

describe.skipIf(!adminUrl)('client.events when the traffic moves to another instance', () => {
  let database: ScratchDatabase;
  let first: ApiProcess;
  let second: ApiProcess;
  let proxy: StreamProxy;
  let member: PulseStageClient;
  let meeting: DemoMeeting;

  beforeAll(async () => {
    database = await createScratchDatabase(adminUrl ?? '');
    const instance = (name: string) => ApiProcess.start({ name, databaseUrl: database.url, bus: 'postgres' });
    first = await instance('first');
    second = await instance('second');
    proxy = await StreamProxy.start(first.url);
    const owner = await signedInClient(first.url, 'owner@demo.test');
    member = (await serviceClient(proxy.url, owner, 'demo', 'member')).client;
    meeting = await openDemoMeeting(member);
  });

  afterAll(async () => {
    await proxy?.close();
    await Promise.all([first?.stop(), second?.stop()]);
    killAllProcesses();
    await database?.drop();
  });

  it('loses nothing committed while it reconnects, opened without lastEventId', async () => {
    let connections = 0;
    const stream = new CollectedStream(member, { ...demo, onConnected: () => (connections += 1) });
    await expect.poll(() => connections, { timeout: 5000 }).toBeGreaterThan(0);

    proxy.routeTo(second.url);
    proxy.cutStreams();
    const submitted: string[] = [];
    for (const body of ['Asked while the stream moves?', 'And this one?']) {
      submitted.push((await member.question.submit.mutate({ ...meeting, body })).id);
    }
    await stream.waitForCount(2, RESUME_TIMEOUT_MS);
    await stream.stop();

    expect(stream.error).toBeUndefined();
    expect(
      stream.received.map(({ event }) => (event.type === 'question:created' ? event.data.id : '')),
    ).toEqual(submitted);
    expect(proxy.streamRequests.at(-1)?.resumesAfter).toBeDefined();
  });
});
