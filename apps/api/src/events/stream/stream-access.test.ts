import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DISPLAY_COOKIE } from '../../auth/credentials.js';
import { type Client, startTestApp, type TestApp, uniqueLabel } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ALPHA_MEETING } from '../../test-support/fixture.js';
import {
  newServiceToken,
  OpenStreams,
  openRawStream,
  type RawStream,
  submitQuestions,
  trpcStreamPath,
  waitFor,
} from '../../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;

vi.setConfig({ testTimeout: 30_000 });

const TRANSPORTS = [
  { transport: 'GET /events', path: '/events?tenant=alpha' },
  { transport: 'events.subscribe', path: trpcStreamPath(alpha) },
];

/** Each stream's access is re-checked as the caller it resolved to, never grouped with another caller's. */
describe.each(DIALECTS)('stream access re-checks per caller on %s', (dialect) => {
  let app: TestApp;
  let member2: Client;
  let moderator: Client;
  let admin: Client;
  const streams = new OpenStreams();

  beforeAll(async () => {
    // No access sweep within the test run: streams must follow the announced access changes.
    app = await startTestApp(dialect, { accessSweepMs: 600_000 });
    [member2, moderator, admin] = await app.clients('member2', 'moderator', 'admin');
  });
  afterEach(() => {
    expect(streams.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(() => app.close());

  describe.each(TRANSPORTS)('over $transport', ({ path }) => {
    async function open(headers: Record<string, string>): Promise<RawStream> {
      const stream = streams.add(await openRawStream(app, path, headers));
      expect(stream.status, stream.body).toBe(200);
      await waitFor(() => stream.frames.length > 0, 5000, 'the first frame');
      return stream;
    }

    async function allReceive(open: RawStream[], count: number): Promise<void> {
      await waitFor(() => open.every((stream) => stream.items.length >= count), 5000, `${count} events`);
    }

    it('revoking one display link ends exactly its screens at once; the other screens stay live', async () => {
      const links = await Promise.all([1, 2, 3].map(() => admin.tenant.createDisplayLink.mutate(alpha)));
      const screens: RawStream[][] = [];
      for (const link of links) {
        const cookie = `${DISPLAY_COOKIE}=${link.token}`;
        screens.push([await open({ cookie }), await open({ cookie })]);
      }
      const [first = [], second = [], third = []] = screens;
      await submitQuestions(member2, 1);
      await allReceive(screens.flat(), 1);

      await admin.tenant.revokeLink.mutate({ ...alpha, linkId: links[1]?.id ?? '' });
      await waitFor(() => second.every((stream) => stream.ended), 3000, 'the revoked screens to end');
      await submitQuestions(member2, 1);
      await allReceive([...first, ...third], 2);
      expect([...first, ...third].some((stream) => stream.ended)).toBe(false);
      expect(second.map((stream) => stream.items.length)).toEqual([1, 1]);

      await admin.tenant.revokeLink.mutate({ ...alpha, linkId: links[0]?.id ?? '' });
      await waitFor(() => first.every((stream) => stream.ended), 3000, 'the first revoked screens to end');
      await submitQuestions(member2, 1);
      await allReceive(third, 3);
      expect(third.some((stream) => stream.ended)).toBe(false);
    });

    it('revoking one service token ends only its streams', async () => {
      const tokens = [await newServiceToken(admin), await newServiceToken(admin)];
      const [kept, revoked] = await Promise.all(
        tokens.map((token) => open({ authorization: `Bearer ${token.token}` })),
      );
      await admin.tenant.revokeServiceToken.mutate({ ...alpha, tokenId: tokens[1]?.id ?? '' });
      await waitFor(() => revoked?.ended, 3000, 'the revoked token’s stream to end');
      await submitQuestions(member2, 1);
      await allReceive(kept ? [kept] : [], 1);
      expect(kept?.ended).toBe(false);
    });

    it('never gives a member question:pending, even beside a moderator with an empty Authorization header', async () => {
      await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: true });
      try {
        const moderatorStream = await open({ cookie: await app.cookieOf('moderator'), authorization: '' });
        const memberStream = await open({ cookie: await app.cookieOf('member'), authorization: '' });
        // Any change to links re-checks every open stream's access.
        await admin.tenant.createJoinLink.mutate(alpha);
        const pending = await member2.question.submit.mutate({
          ...ALPHA_MEETING,
          body: uniqueLabel('review'),
        });
        await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
        await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
        await allReceive([memberStream], 2);
        await allReceive([moderatorStream], 3);
        expect(memberStream.items.map((item) => item.event.type)).toEqual([
          'question:frozen',
          'question:frozen',
        ]);
        expect(moderatorStream.items[0]?.event).toMatchObject({
          type: 'question:pending',
          data: { id: pending.id },
        });
      } finally {
        await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
      }
    });

    it('ends a session’s stream when it signs out, even if the browser also holds a display link', async () => {
      const account = await app.newAccount('signs-out');
      const { code } = await admin.tenant.createJoinLink.mutate(alpha);
      await account.client.auth.joinWithCode.mutate({ code });
      const link = await admin.tenant.createDisplayLink.mutate(alpha);
      const stream = await open({ cookie: `${account.cookie}; ${DISPLAY_COOKIE}=${link.token}` });
      const signedOut = await app.raw('POST', 'auth.signOut', undefined, { cookie: account.cookie });
      expect(signedOut.status).toBe(200);
      await waitFor(() => stream.ended, 3000, 'the signed-out session’s stream to end');
    });
  });
});
