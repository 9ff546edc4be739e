/**
 * The demo accounts every test and benchmark signs in with, and plain-HTTP tRPC calls made as them.
 */
import { DEMO_PASSWORD } from '@pulsestage/contracts/demo';

export { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TENANT } from '@pulsestage/contracts/demo';
export const SESSION_COOKIE = 'pulsestage_session';

/** Signs in with `auth.signIn` and returns the `pulsestage_session=<token>` cookie pair. */
export async function signIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${baseUrl}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  const cookie = sessionCookieOf(response.headers.getSetCookie());
  if (response.status !== 200 || !cookie) {
    throw new Error(`signing in as ${email} on ${baseUrl} failed: ${response.status} ${body}`);
  }
  return cookie;
}

/** The non-empty `pulsestage_session=<token>` pair among `Set-Cookie` headers, if any. */
export function sessionCookieOf(setCookieHeaders: readonly string[]): string | undefined {
  return setCookieHeaders
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`) && pair !== `${SESSION_COOKIE}=`);
}

/** A tRPC mutation over plain HTTP; returns `result.data` or throws with the status and body. */
export async function mutate<T>(baseUrl: string, path: string, input: unknown, cookie: string): Promise<T> {
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} on ${baseUrl} failed: ${response.status} ${text}`);
  const { result }: { result: { data: T } } = JSON.parse(text);
  return result.data;
}
