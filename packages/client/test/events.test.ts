import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppRouter } from '@pulsestage/api/router';
import { within } from '@pulsestage/test-harness/poll';
import type { EmbeddedApi } from '@pulsestage/test-harness/process';
import type { TRPCClient } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, createPulseStageClient, type PulseStageClient } from '../src/index.js';
import { type DemoMeeting, serviceClient, startWithDemoCallers } from './support/accounts.js';
import { CollectedStream, currentEventId, idsAfter } from './support/collect.js';
import { StreamProxy } from './support/stream-proxy.js';

const demo = { tenant: 'demo' } as const;

describe('client.events', () => {
  let api: EmbeddedApi;
  let owner: TRPCClient<AppRouter>;
  let member: PulseStageClient;
  let moderator: PulseStageClient;
  let meeting: DemoMeeting;

  beforeAll(async () => {
    ({ api, meeting, owner, member, moderator } = await startWithDemoCallers());
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('yields each change of the tenant as a typed event, in order, with consecutive ids', async () => {
    const start = await currentEventId(member, meeting);
    const stream = new CollectedStream(member, { ...demo, lastEventId: start });
    const question = await member.question.submit.mutate({ ...meeting, body: 'What ships next quarter?' });
    await moderator.question.upvote.mutate({ ...meeting, questionId: question.id });
    await moderator.question.answer.mutate({
      ...meeting,
      questionId: question.id,
      responseText: 'The client',
    });
    await moderator.question.pin.mutate({ ...meeting, questionId: question.id, pinned: true });
    await stream.waitForCount(4);
    await stream.stop();

    expect(stream.ids()).toEqual(idsAfter(start, 4));
    expect(stream.received.map(({ event }) => [event.type, event.data])).toEqual([
      ['question:created', expect.objectContaining({ id: question.id, body: 'What ships next quarter?' })],
      ['question:upvoted', { questionId: question.id, upvoteCount: 1 }],
      ['question:answered', { id: question.id, status: 'ANSWERED', responseText: 'The client' }],
      ['question:pinned', { questionId: question.id, pinned: true }],
    ]);
    expect(stream.error).toBeUndefined();
  });

  it('yields the version of an event type it asked for', async () => {
    const start = await currentEventId(member, meeting);
    const stream = new CollectedStream(member, {
      ...demo,
      lastEventId: start,
      versions: { 'question:answered': 2 },
    });
    const question = await member.question.submit.mutate({ ...meeting, body: 'Which version is this?' });
    await moderator.question.answer.mutate({ ...meeting, questionId: question.id, responseText: 'Two' });
    await stream.waitForCount(2);
    await stream.stop();

    const answered = stream.received[1]?.event;
    expect(answered?.type).toBe('question:answered.v2');
    if (answered?.type !== 'question:answered.v2') return;
    expect(answered.data).toMatchObject({ id: question.id, responseText: 'Two', teamId: null });
    expect(Date.parse(answered.data.answeredAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('resumes after a saved id with nothing lost or repeated', async () => {
    const start = await currentEventId(member, meeting);
    const first = new CollectedStream(member, { ...demo, lastEventId: start });
    for (const body of ['One?', 'Two?', 'Three?']) await member.question.submit.mutate({ ...meeting, body });
    await first.waitForCount(3);
    await first.stop();

    const savedId = first.ids()[0] ?? '';
    const resumed = new CollectedStream(member, { ...demo, lastEventId: savedId });
    // 'Five?' comes after the others: once it is here, a repeated or stray event would have been too.
    for (const body of ['Four?', 'Five?']) await member.question.submit.mutate({ ...meeting, body });
    await resumed.waitForCount(4);
    await resumed.stop();

    expect(resumed.ids()).toEqual(idsAfter(savedId, 4));
    expect(resumed.received.map(({ event }) => event.type === 'question:created' && event.data.body)).toEqual(
      ['Two?', 'Three?', 'Four?', 'Five?'],
    );
  });

  it('ends quietly when its signal aborts, and yields nothing when it was aborted before', async () => {
    const stream = new CollectedStream(member, demo);
    await member.question.submit.mutate({ ...meeting, body: 'Still listening?' });
    await stream.waitForCount(1);
    await stream.stop();
    expect(stream.error).toBeUndefined();

    const events = member.events({ ...demo, signal: AbortSignal.abort() });
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it('subscribes again from the last id when a proxy refuses a reconnection', async () => {
    const proxy = await StreamProxy.start(api.url);
    try {
      const { client } = await serviceClient(proxy.url, owner, 'demo', 'member');
      const start = await currentEventId(member, meeting);
      const stream = new CollectedStream(client, { ...demo, lastEventId: start });
      await member.question.submit.mutate({ ...meeting, body: 'Through the proxy?' });
      await stream.waitForCount(1);

      proxy.refuseNextStreams(502);
      proxy.cutStreams();
      await member.question.submit.mutate({ ...meeting, body: 'While the proxy refuses?' });
      await stream.waitForCount(2, 15_000);
      await stream.stop();

      expect(stream.ids()).toEqual(idsAfter(start, 2));
      expect(proxy.streamRequests.map(({ status }) => status)).toEqual([200, 502, 200]);
      expect(proxy.streamRequests.at(-1)?.resumesAfter).toBe(stream.ids()[0]);
    } finally {
      await proxy.close();
    }
  });

  it('closes its connection when the loop that reads it is left', async () => {
    const proxy = await StreamProxy.start(api.url);
    try {
      const { client } = await serviceClient(proxy.url, owner, 'demo', 'member');
      const reading = (async () => {
        for await (const received of client.events(demo)) return received;
      })();
      await expect.poll(() => proxy.openStreamCount, { timeout: 5000 }).toBe(1);
      await member.question.submit.mutate({ ...meeting, body: 'Read once, then left?' });
      expect((await within(reading, 5000, 'the first event'))?.event.type).toBe('question:created');
      await expect.poll(() => proxy.openStreamCount, { timeout: 2000 }).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('ends with an AccessDeniedError within seconds when its token is revoked', async () => {
    const { client, tokenId } = await serviceClient(api.url, owner, 'demo', 'member');
    const start = await currentEventId(client, meeting);
    const stream = new CollectedStream(client, { ...demo, lastEventId: start });
    await member.question.submit.mutate({ ...meeting, body: 'Seen before the revocation?' });
    await stream.waitForCount(1);

    await owner.tenant.revokeServiceToken.mutate({ ...demo, tokenId });
    await stream.waitForEnd(5000);
    expect(stream.error).toBeInstanceOf(AccessDeniedError);
    expect(stream.error).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('client.events behind a failing proxy', () => {
  const requests: IncomingHttpHeaders[] = [];
  let proxy: Server;

  /** Answers the first two stream requests 503, as a restarting upstream would, then 401. */
  beforeAll(async () => {
    proxy = createServer((req, res) => {
      requests.push(req.headers);
      res.writeHead(requests.length <= 2 ? 503 : 401, { 'content-type': 'text/plain' }).end('refused');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('subscribes again after a 503 and stops at a 401, sending the token every time', async () => {
    const { port } = proxy.address() as AddressInfo;
    const client = createPulseStageClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'pst_proxy-test' });
    const stream = new CollectedStream(client, demo);
    await stream.waitForEnd(10_000);

    expect(stream.error).toBeInstanceOf(AccessDeniedError);
    expect(stream.error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(requests.map((headers) => headers.authorization)).toEqual(Array(3).fill('Bearer pst_proxy-test'));
  });
});
