import type { AppRouter } from '@pulsestage/api/router';
import type { EmbeddedApi } from '@pulsestage/test-harness/process';
import type { TRPCClient } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  createPulseStageClient,
  isPulseStageError,
  type PulseStageClient,
} from '../src/index.js';
import { type DemoMeeting, serviceClient, startWithDemoCallers } from './support/accounts.js';
import { CollectedStream } from './support/collect.js';

/** The tRPC code a rejected call failed with. */
async function refusalCode(call: Promise<unknown>): Promise<string | undefined> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isPulseStageError(error)) throw new Error(`expected the API to refuse the call, got ${String(error)}`);
  return error.data?.code;
}

/** The error a stream of `tenant` ends with at once, before it yields anything. */
async function streamRefusal(client: PulseStageClient, tenant: string): Promise<AccessDeniedError> {
  const stream = new CollectedStream(client, { tenant });
  await stream.waitForEnd(5000);
  expect(stream.received).toEqual([]);
  expect(stream.error).toBeInstanceOf(AccessDeniedError);
  return stream.error as AccessDeniedError;
}

describe('service tokens', () => {
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

  it('lets a member token submit a question but not answer it', async () => {
    const body = 'Will the member token be allowed to ask this?';
    const question = await member.question.submit.mutate({ ...meeting, body });
    expect(question).toMatchObject({ body, status: 'OPEN', upvoteCount: 0 });

    const answer = member.question.answer.mutate({
      ...meeting,
      questionId: question.id,
      responseText: 'Yes',
    });
    expect(await refusalCode(answer)).toBe('FORBIDDEN');
    const unchanged = await member.question.get.query({ ...meeting, questionId: question.id });
    expect(unchanged).toMatchObject({ status: 'OPEN', responseText: null });
  });

  it('lets a moderator token answer', async () => {
    const question = await member.question.submit.mutate({ ...meeting, body: 'Who answers this one?' });
    await moderator.question.answer.mutate({
      ...meeting,
      questionId: question.id,
      responseText: 'We do',
    });
    const answered = await member.question.get.query({ ...meeting, questionId: question.id });
    expect(answered).toMatchObject({ status: 'ANSWERED', responseText: 'We do' });
  });

  it('refuses a member token what only admins may do', async () => {
    const create = member.tenant.createServiceToken.mutate({
      tenant: 'demo',
      name: 'escalation',
      role: 'owner',
    });
    expect(await refusalCode(create)).toBe('FORBIDDEN');
  });

  it('refuses a token of demo on acme, for calls and for the event stream', async () => {
    expect(
      await refusalCode(member.question.list.query({ tenant: 'acme', meetingId: meeting.meetingId })),
    ).toBe('FORBIDDEN');
    const submit = member.question.submit.mutate({
      tenant: 'acme',
      meetingId: meeting.meetingId,
      body: 'Crossing over?',
    });
    expect(await refusalCode(submit)).toBe('FORBIDDEN');
    expect((await streamRefusal(member, 'acme')).code).toBe('FORBIDDEN');
  });

  it('refuses an unknown token with UNAUTHORIZED, for calls and for the event stream', async () => {
    const stranger = createPulseStageClient({ baseUrl: api.url, token: 'pst_not-a-token-of-this-api' });
    expect(await refusalCode(stranger.question.list.query(meeting))).toBe('UNAUTHORIZED');
    expect((await streamRefusal(stranger, 'demo')).code).toBe('UNAUTHORIZED');
  });

  it('refuses a revoked token', async () => {
    const { client, tokenId } = await serviceClient(api.url, owner, 'demo', 'member');
    await client.question.list.query(meeting);
    await owner.tenant.revokeServiceToken.mutate({ tenant: 'demo', tokenId });
    expect(await refusalCode(client.question.list.query(meeting))).toBe('UNAUTHORIZED');
    expect((await streamRefusal(client, 'demo')).code).toBe('UNAUTHORIZED');
  });
});
