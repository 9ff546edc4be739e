import type { AppRouter } from '@pulsestage/api/router';
import type { Role } from '@pulsestage/contracts';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { createPulseStageClient, type PulseStageClient } from '../../src/index.js';

export const DEMO_PASSWORD = 'demo-password';
const SESSION_COOKIE = 'pulsestage_session';

export interface ServiceToken {
  id: string;
  token: string;
}

/** Signs in with `auth.signIn` and returns a tRPC client that sends the session cookie. */
export async function signedInClient(baseUrl: string, email: string): Promise<TRPCClient<AppRouter>> {
  const response = await fetch(`${baseUrl}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (response.status !== 200 || !cookie)
    throw new Error(`signing in as ${email} failed: ${response.status}`);
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/trpc`, headers: { cookie } })],
  });
}

/** A new service token of `tenant`, made by one of its admins or owners. */
export async function createServiceToken(
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
