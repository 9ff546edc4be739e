import type { Role } from '@pulsestage/contracts';
import { insertUser } from '../auth/service.js';
import type { Database } from '../db/schema.js';
import { insertMeeting } from '../meetings/repository.js';
import { addMember, insertTenant } from '../tenants/repository.js';

export const PASSWORD = 'correct horse battery';

/** Two tenants: `alpha` with one account per role plus a second member, `beta` with its own owner and member. */
export const ACCOUNTS = {
  owner: { email: 'owner@alpha.test', tenant: 'alpha', role: 'owner' },
  admin: { email: 'admin@alpha.test', tenant: 'alpha', role: 'admin' },
  moderator: { email: 'mod@alpha.test', tenant: 'alpha', role: 'moderator' },
  member: { email: 'member@alpha.test', tenant: 'alpha', role: 'member' },
  member2: { email: 'member2@alpha.test', tenant: 'alpha', role: 'member' },
  betaOwner: { email: 'owner@beta.test', tenant: 'beta', role: 'owner' },
  betaMember: { email: 'member@beta.test', tenant: 'beta', role: 'member' },
} as const satisfies Record<string, { email: string; tenant: string; role: Role }>;

export type AccountName = keyof typeof ACCOUNTS;

export interface Fixture {
  tenantIds: { alpha: string; beta: string };
  /** One open meeting in each tenant, where tests ask and vote unless they need a meeting of their own. */
  meetingIds: { alpha: string; beta: string };
  userIds: Record<AccountName, string>;
}

export async function seedFixture(db: Database): Promise<Fixture> {
  const tenantIds = {
    alpha: (await db.transaction().execute((trx) => insertTenant(trx, 'alpha', 'Alpha Inc'))).id,
    beta: (await db.transaction().execute((trx) => insertTenant(trx, 'beta', 'Beta LLC'))).id,
  };
  const openMeeting = async (tenantId: string) =>
    (
      await insertMeeting(db, tenantId, {
        title: 'Town hall',
        description: null,
        opensAt: null,
        closesAt: null,
        requireApproval: null,
        allowGuests: null,
        state: 'open',
      })
    ).id;
  const meetingIds = { alpha: await openMeeting(tenantIds.alpha), beta: await openMeeting(tenantIds.beta) };
  const entries = await Promise.all(
    Object.entries(ACCOUNTS).map(async ([name, account]) => {
      const userId = await insertUser(db, { email: account.email, name, password: PASSWORD });
      await addMember(db, tenantIds[account.tenant], userId, account.role);
      return [name, userId] as const;
    }),
  );
  return { tenantIds, meetingIds, userIds: Object.fromEntries(entries) as Record<AccountName, string> };
}
