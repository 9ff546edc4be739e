import type { AppRouter } from '@pulsestage/api/router';
import type { Role } from '@pulsestage/contracts';
import { signIn } from '@pulsestage/test-harness/accounts';
import { EmbeddedApi } from '@pulsestage/test-harness/process';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { createPulseStageClient, type PulseStageClient } from '../../src/index.js';

interface ServiceToken {
  id: string;
  token: string;
}

/** Signs in with `auth.signIn` and returns a tRPC client that sends the session cookie. */
export async function signedInClient(baseUrl: string, email: string): Promise<TRPCClient<AppRouter>> {
  const cookie = await signIn(baseUrl, email);
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/trpc`, headers: { cookie } })],
  });
}

/** A new service token of `tenant`, made by one of its admins or owners. */
async function createServiceToken(
  admin: TRPCClient<AppRouter>,
  tenant: string,
  role: Role,
): Promise<ServiceToken> {
  const created = await admin.tenant.createServiceToken.mutate({ tenant, name: `${role} bot`, role });
  return { id: created.id, token: created.token };
}

/** A client of `baseUrl` holding a new service token of `tenant` with `role`, and that token's id. */
export async function serviceClient(
  baseUrl: string,
  admin: TRPCClient<AppRouter>,
  tenant: string,
  role: Role,
): Promise<{ client: PulseStageClient; tokenId: string }> {
  const { id, token } = await createServiceToken(admin, tenant, role);
  return { client: createPulseStageClient({ baseUrl, token }), tokenId: id };
}

/** Where the tests ask and vote: the demo's open meeting. */
export interface DemoMeeting {
  tenant: 'demo';
  meetingId: string;
}

export async function openDemoMeeting(client: PulseStageClient): Promise<DemoMeeting> {
  const { items } = await client.meeting.list.query({ tenant: 'demo', when: 'open' });
  const [meeting] = items;
  if (!meeting) throw new Error('the demo data has no open meeting');
  return { tenant: 'demo', meetingId: meeting.id };
}

interface DemoCallers {
  api: EmbeddedApi;
  meeting: DemoMeeting;
  /** The demo owner, signed in. */
  owner: TRPCClient<AppRouter>;
  /** Service-token clients of `demo` with the member and the moderator role. */
  member: PulseStageClient;
  moderator: PulseStageClient;
}

/** A fresh API with the demo data, and callers of `demo` to act in it. */
export async function startWithDemoCallers(): Promise<DemoCallers> {
  const api = await EmbeddedApi.start();
  const owner = await signedInClient(api.url, 'owner@demo.test');
  const member = (await serviceClient(api.url, owner, 'demo', 'member')).client;
  const moderator = (await serviceClient(api.url, owner, 'demo', 'moderator')).client;
  return { api, meeting: await openDemoMeeting(member), owner, member, moderator };
}
