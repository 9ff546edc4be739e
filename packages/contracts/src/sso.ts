import { z } from 'zod';
import { tenantScoped } from './inputs.js';
import { SSO_DOMAINS_MAX } from './sso-messages.js';
import { text } from './text.js';

const issuerUrl = text(1, 500).refine(
  (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
  {
    message: 'must be an absolute URL like https://accounts.google.com',
  },
);
const emailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => value.replace(/^@/, ''))
  .pipe(
    z
      .string()
      .max(253, 'must be at most 253 characters')
      .regex(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, 'must be a domain like example.com'),
  );

/**
 * A tenant's single sign-on as its admins see it. The client secret is never sent back: only whether
 * one is set.
 */
export const ssoSettings = z.object({
  enabled: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  clientSecretSet: z.boolean(),
  allowedDomains: z.array(z.string()),
  requireSso: z.boolean(),
  /** What to register at the identity provider as the redirect (callback) URI. */
  redirectUri: z.string(),
});
export type SsoSettings = z.infer<typeof ssoSettings>;

/** Absent fields keep their value; an empty `clientSecret` keeps the one stored. */
export const ssoSettingsInput = tenantScoped.extend({
  enabled: z.boolean().optional(),
  issuer: issuerUrl.optional(),
  clientId: text(1, 500).optional(),
  clientSecret: text(0, 1000).optional(),
  allowedDomains: z
    .array(emailDomain)
    .max(SSO_DOMAINS_MAX, `must list at most ${SSO_DOMAINS_MAX} domains`)
    .optional(),
  requireSso: z.boolean().optional(),
});
export type SsoSettingsInput = z.infer<typeof ssoSettingsInput>;

/** Whether a tenant offers single sign-on: nothing else, and `false` for a tenant that does not exist. */
export const ssoAvailability = z.object({ sso: z.boolean() });
