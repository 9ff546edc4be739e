import { PER_MINUTE_LIMIT_MAX, type Role } from '@pulsestage/contracts';
import { insertUser } from '../auth/service.js';
import type { Database } from '../db/schema.js';
import { insertMeeting, type NewMeeting } from '../meetings/repository.js';
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

/**
 * The ids of the fixture's two meetings, fixed so that helpers written outside a test's setup can name
 * them (every test database is a fresh one).
 */
export const FIXTURE_MEETING_IDS = {
  alpha: 'a1a1a1a1-0000-4000-8000-00000000a1a1',
  beta: 'b2b2b2b2-0000-4000-8000-00000000b2b2',
} as const;

/** Where question and queue procedures act in tenant alpha unless a test needs a meeting of its own. */
export const ALPHA_MEETING = { tenant: 'alpha', meetingId: FIXTURE_MEETING_IDS.alpha } as const;
export const BETA_MEETING = { tenant: 'beta', meetingId: FIXTURE_MEETING_IDS.beta } as const;

/**
 * The fixture tenants' submit and upvote limits per person per minute: tests ask and vote quickly as a
 * few people; the limits' own tests set theirs.
 */
export const FIXTURE_PER_MINUTE_LIMIT = PER_MINUTE_LIMIT_MAX;

export interface Fixture {
  tenantIds: { alpha: string; beta: string };
  /** One open meeting in each tenant, where tests ask and vote unless they need a meeting of their own. */
  meetingIds: { alpha: string; beta: string };
  userIds: Record<AccountName, string>;
}

/** A new meeting in the tenant, open unless told otherwise, for tests that need one of their own. */
export async function addMeeting(
  db: Database,
  tenantId: string,
  overrides: Partial<NewMeeting> = {},
): Promise<string> {
  const meeting = await insertMeeting(db, tenantId, {
    title: 'Town hall',
    description: null,
    opensAt: null,
    closesAt: null,
    requireApproval: null,
    allowGuests: null,
    state: 'open',
    ...overrides,
  });
  return meeting.id;
}

export async function seedFixture(db: Database): Promise<Fixture> {
  const tenantIds = {
    alpha: (await db.transaction().execute((trx) => insertTenant(trx, 'alpha', 'Alpha Inc'))).id,
    beta: (await db.transaction().execute((trx) => insertTenant(trx, 'beta', 'Beta LLC'))).id,
  };
  await db
    .updateTable('tenants')
    .set({ submitLimitPerMinute: FIXTURE_PER_MINUTE_LIMIT, upvoteLimitPerMinute: FIXTURE_PER_MINUTE_LIMIT })
    .execute();
  const openMeeting = async (tenantId: string, id: string) => {
    await db
      .updateTable('meetings')
      .set({ id })
      .where('id', '=', await addMeeting(db, tenantId))
      .execute();
    return id;
  };
  const meetingIds = {
    alpha: await openMeeting(tenantIds.alpha, FIXTURE_MEETING_IDS.alpha),
    beta: await openMeeting(tenantIds.beta, FIXTURE_MEETING_IDS.beta),
  };
  const entries = await Promise.all(
    Object.entries(ACCOUNTS).map(async ([name, account]) => {
      const userId = await insertUser(db, { email: account.email, name, password: PASSWORD });
      await addMember(db, tenantIds[account.tenant], userId, account.role);
      return [name, userId] as const;
    }),
  );
  return { tenantIds, meetingIds, userIds: Object.fromEntries(entries) as Record<AccountName, string> };
}
