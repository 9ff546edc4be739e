/**
 * A real OpenID Connect provider for tests (`oidc-provider`, certified), on a free local port over
 * plain HTTP. Its accounts are the test's: each login name has an email and whether the provider
 * verified it. The provider's own login form takes any password; consent is granted without asking,
 * as for a first-party client. `signIn` walks that form over HTTP for tests without a browser.
 */
import { createServer } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { listeningPort } from './net.js';

export interface OidcAccount {
  email: string;
  emailVerified: boolean;
  name?: string;
}

export interface OidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface TestOidcProvider {
  /** The issuer URL, as an admin enters it (http://127.0.0.1:<port>). */
  issuer: string;
  /** Adds or replaces the account a login name signs in as. */
  setAccount(login: string, account: OidcAccount): void;
  /**
   * Follows an authorization URL through the login form as `login` and returns where the provider
   * sends the browser back (the client's redirect URI with `code` and `state`), without following it.
   */
  signIn(authorizationUrl: string, login: string): Promise<URL>;
  close(): Promise<void>;
}

/** A cookie jar of one name=value per cookie, enough for the provider's interaction cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(headers: Headers): void {
    for (const cookie of headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const MAX_HOPS = 10;

export async function startOidcProvider(options: {
  client: OidcClient;
  accounts?: Record<string, OidcAccount>;
}): Promise<TestOidcProvider> {
  const accounts = new Map(Object.entries(options.accounts ?? {}));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${listeningPort(server)}`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.client.clientId,
        client_secret: options.client.clientSecret,
        redirect_uris: options.client.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    pkce: { required: () => true },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
    cookies: { keys: ['a test provider signs its cookies with this'] },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name ?? id,
        }),
      };
    },
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());

  async function signIn(authorizationUrl: string, login: string): Promise<URL> {
    const jar = new CookieJar();
    let url = new URL(authorizationUrl);
    let init: RequestInit = {};
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
      });
      jar.store(response.headers);
      const location = response.headers.get('location');
      if (location) {
        const next = new URL(location, url);
        if (next.origin !== issuer) return next;
        url = next;
        init = {};
        continue;
      }
      if (!response.ok || !url.pathname.startsWith('/interaction/')) {
        throw new Error(
          `the provider answered ${response.status} at ${url.pathname}: ${await response.text()}`,
        );
      }
      await response.text();
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString(),
      };
    }
    throw new Error(`the provider did not send the browser back within ${MAX_HOPS} steps`);
  }

  return {
    issuer,
    setAccount: (login, account) => accounts.set(login, account),
    signIn,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
