/** What the operator decides about single sign-on (`SSO_*` in `config.ts`). */
export interface SsoOptions {
  /** Issuers on plain `http://` are fetched too: for tests and local providers, never for production. */
  allowHttpIssuers: boolean;
  /** Each request to a provider (discovery, keys, token, userinfo) gives up after this long. */
  timeoutSeconds: number;
  /** How long a browser has between leaving for the provider and coming back. */
  attemptLifetimeMs: number;
  /** 32 bytes that encrypt client secrets at rest; absent: they are stored unencrypted. */
  secretKey: Buffer | undefined;
}

export const SSO_DEFAULTS: SsoOptions = {
  allowHttpIssuers: false,
  timeoutSeconds: 10,
  attemptLifetimeMs: 10 * 60 * 1000,
  secretKey: undefined,
};
