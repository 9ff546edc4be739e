import type { SsoSettings, SsoSettingsInput } from '@pulsestage/contracts';
import type { Database, Executor } from '../../db/schema.js';
import { lockTenant } from '../../tenants/repository.js';
import type { TenantAccess } from '../access.js';
import type { SsoOptions } from './options.js';
import {
  findSsoSettings,
  findSsoSettingsBySlug,
  setTenantRequireSso,
  upsertSsoSettings,
} from './repository.js';
import { checkComplete, checkIssuerUrl } from './rules.js';
import { sealSecret } from './secret-box.js';

type StoredSettings = Omit<SsoSettings, 'redirectUri'>;

const UNSET: StoredSettings = {
  enabled: false,
  issuer: '',
  clientId: '',
  clientSecretSet: false,
  allowedDomains: [],
  requireSso: false,
};

type SettingsRow = Awaited<ReturnType<typeof findSsoSettings>>;

function storedSettingsOf(row: SettingsRow): StoredSettings {
  if (!row) return UNSET;
  return {
    enabled: row.enabled === 1,
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecretSet: row.clientSecret !== null,
    allowedDomains: JSON.parse(row.allowedDomains) as string[],
    requireSso: row.requireSso === 1,
  };
}

export async function readStoredSsoSettings(db: Executor, tenantId: string): Promise<StoredSettings> {
  return storedSettingsOf(await findSsoSettings(db, tenantId));
}

export async function readSsoSettings(
  db: Database,
  access: TenantAccess,
  redirectUri: string,
): Promise<SsoSettings> {
  return { ...(await readStoredSsoSettings(db, access.tenant.id)), redirectUri };
}

function definedFields<Fields extends object>(fields: Fields): Partial<Fields> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Partial<Fields>;
}

/**
 * Merges the changes under the tenant's lock. An empty or absent secret keeps the stored one. The
 * requirement holds only while single sign-on is on: turning it off lets everyone use passwords again.
 */
export async function updateSsoSettings(
  db: Database,
  access: TenantAccess,
  input: SsoSettingsInput,
  options: SsoOptions,
  redirectUri: string,
): Promise<SsoSettings> {
  const { tenant: _slug, clientSecret, ...changes } = input;
  const tenantId = access.tenant.id;
  return db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenantId);
    const stored = await findSsoSettings(trx, tenantId);
    const merged: StoredSettings = { ...storedSettingsOf(stored), ...definedFields(changes) };
    if (changes.issuer !== undefined) checkIssuerUrl(changes.issuer, options.allowHttpIssuers);
    checkComplete(merged);
    const secret = clientSecret
      ? sealSecret(clientSecret, options.secretKey)
      : (stored?.clientSecret ?? null);
    await upsertSsoSettings(trx, {
      tenantId,
      enabled: merged.enabled ? 1 : 0,
      issuer: merged.issuer,
      clientId: merged.clientId,
      clientSecret: secret,
      allowedDomains: JSON.stringify([...new Set(merged.allowedDomains)]),
      requireSso: merged.requireSso ? 1 : 0,
      updatedAt: new Date().toISOString(),
    });
    await setTenantRequireSso(trx, tenantId, merged.enabled && merged.requireSso);
    return { ...merged, clientSecretSet: secret !== null, redirectUri };
  });
}

/** Whether the tenant offers single sign-on; an unknown tenant does not, and says nothing more. */
export async function ssoAvailability(db: Database, slug: string): Promise<{ sso: boolean }> {
  const row = await findSsoSettingsBySlug(db, slug);
  return { sso: row?.enabled === 1 };
}
