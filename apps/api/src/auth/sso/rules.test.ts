import { randomBytes } from 'node:crypto';
import { SSO_REQUIRED_MESSAGE } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import {
  admission,
  checkAttempt,
  checkIssuerUrl,
  checkSsoRequirement,
  returnPathIn,
  SsoRefusal,
  verifiedEmail,
} from './rules.js';
import { openSecret, sealSecret } from './secret-box.js';

const failureOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof SsoRefusal) return error.failure;
    if (error instanceof Error) return error.message;
  }
  return 'accepted';
};

describe('single sign-on rules', () => {
  const allowedDomains = ['example.com'];

  it('admits existing members whatever their domain, newcomers only from an allowed domain', () => {
    const person = { role: undefined, removed: false, allowedDomains };
    expect(admission({ ...person, role: 'moderator', email: 'mod@elsewhere.test' })).toBe('member');
    expect(admission({ ...person, email: 'new@example.com' })).toBe('join');
    expect(failureOf(() => admission({ ...person, email: 'new@elsewhere.test' }))).toBe('domain');
    // A subdomain, or a domain that merely ends the same way, is another domain.
    expect(failureOf(() => admission({ ...person, email: 'new@mail.example.com' }))).toBe('domain');
    expect(failureOf(() => admission({ ...person, email: 'new@badexample.com' }))).toBe('domain');
    expect(failureOf(() => admission({ ...person, removed: true, email: 'back@example.com' }))).toBe(
      'removed',
    );
  });

  it('links only a verified email, in lower case', () => {
    expect(verifiedEmail({ email: 'Ada@Example.COM', email_verified: true })).toBe('ada@example.com');
    expect(failureOf(() => verifiedEmail({ email: 'ada@example.com', email_verified: false }))).toBe(
      'unverified',
    );
    expect(failureOf(() => verifiedEmail({ email: 'ada@example.com', email_verified: 'true' }))).toBe(
      'unverified',
    );
    expect(failureOf(() => verifiedEmail({ email: 'ada@example.com' }))).toBe('unverified');
    expect(failureOf(() => verifiedEmail({ email_verified: true }))).toBe('unverified');
  });

  it('requires single sign-on of everyone but owners, and only a session of this tenant counts', () => {
    const tenant = { id: 'alpha', requireSso: true };
    const password = { ssoTenantId: null };
    expect(failureOf(() => checkSsoRequirement(tenant, 'admin', password))).toBe(SSO_REQUIRED_MESSAGE);
    expect(failureOf(() => checkSsoRequirement(tenant, 'member', { ssoTenantId: 'beta' }))).toBe(
      SSO_REQUIRED_MESSAGE,
    );
    expect(failureOf(() => checkSsoRequirement(tenant, 'member', { ssoTenantId: 'alpha' }))).toBe('accepted');
    expect(failureOf(() => checkSsoRequirement(tenant, 'owner', password))).toBe('accepted');
    expect(failureOf(() => checkSsoRequirement({ ...tenant, requireSso: false }, 'member', password))).toBe(
      'accepted',
    );
  });

  it('fetches https issuers, and plain http only when the operator allows it', () => {
    expect(failureOf(() => checkIssuerUrl('https://accounts.google.com', false))).toBe('accepted');
    expect(failureOf(() => checkIssuerUrl('http://127.0.0.1:8080', false))).toBe(
      'issuer: must be an https:// URL',
    );
    expect(failureOf(() => checkIssuerUrl('http://127.0.0.1:8080', true))).toBe('accepted');
  });

  it('takes an attempt once, before it expires', () => {
    const now = new Date('2030-01-01T10:00:00Z');
    expect(failureOf(() => checkAttempt({ usedAt: null, expiresAt: '2030-01-01T10:05:00Z' }, now))).toBe(
      'accepted',
    );
    expect(failureOf(() => checkAttempt({ usedAt: null, expiresAt: '2030-01-01T09:59:59Z' }, now))).toBe(
      'expired',
    );
    const used = { usedAt: '2030-01-01T09:58:00Z', expiresAt: '2030-01-01T10:05:00Z' };
    expect(failureOf(() => checkAttempt(used, now))).toBe('replayed');
  });

  it("lands on the tenant's page the person was going to, and nowhere else", () => {
    expect(returnPathIn('alpha', '/t/alpha/m/1234/moderate')).toBe('/t/alpha/m/1234/moderate');
    expect(returnPathIn('alpha', null)).toBe('/t/alpha');
    for (const elsewhere of [
      '/t/beta',
      '/t/alphabet',
      '//evil.example',
      'https://evil.example',
      '/t/alpha/../x?y',
    ]) {
      expect(returnPathIn('alpha', elsewhere)).toBe('/t/alpha');
    }
  });

  it('seals client secrets under the key, and opens them only with it', () => {
    const key = randomBytes(32);
    const sealed = sealSecret('the secret', key);
    expect(sealed).not.toContain('the secret');
    expect(openSecret(sealed, key)).toBe('the secret');
    expect(openSecret(sealed, randomBytes(32))).toBeNull();
    expect(openSecret(sealed, undefined)).toBeNull();
    expect(openSecret(sealSecret('kept as given', undefined), key)).toBe('kept as given');
  });
});
