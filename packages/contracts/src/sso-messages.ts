/**
 * Single sign-on's plain values, in a module without zod: the web app imports them alone
 * (`@pulsestage/contracts/sso-messages`), like the limits.
 */

/** Why a single sign-on attempt ended back on the sign-in page, as its `sso_error` parameter says. */
export const SSO_FAILURES = {
  state: 'The sign-in attempt did not match this browser. Start single sign-on again from this page.',
  replayed: 'This sign-in attempt was already used. Start single sign-on again.',
  expired: 'This sign-in attempt expired. Start single sign-on again.',
  unverified: 'Your identity provider has not verified your email address, so it cannot sign you in here.',
  domain:
    "Your email address's domain is not allowed to join this organization. Ask an admin for an invitation.",
  unreachable: 'The identity provider could not be reached. Try again in a moment.',
  refused: 'The identity provider did not sign you in.',
  removed: 'You were removed from this organization. Ask an admin to let you back in.',
  unavailable: 'This organization does not offer single sign-on.',
  misconfigured: 'Single sign-on is not set up correctly for this organization. Ask an admin to check it.',
  /** `{{wait}}`: how long the refusal lasts, from the `retry_after` parameter (seconds). */
  throttled: 'Too many single sign-on attempts from this network. Try again in {{wait}}.',
} as const;
export type SsoFailure = keyof typeof SSO_FAILURES;

export function isSsoFailure(value: string | null): value is SsoFailure {
  return value !== null && Object.hasOwn(SSO_FAILURES, value);
}

/** The refusal of a password session (or guest) in a tenant that requires single sign-on. */
export const SSO_REQUIRED_MESSAGE = 'This organization requires you to sign in with single sign-on';

/** Where the browser starts single sign-on for a tenant, and where the provider sends it back. */
export const SSO_START_PATH = '/auth/sso/start';
export const SSO_CALLBACK_PATH = '/auth/sso/callback';

/** Email domains one tenant admits through single sign-on, at most. */
export const SSO_DOMAINS_MAX = 50;
