import type {
  Member,
  Role,
  Team,
  Tenant,
  TenantAccessList,
  TenantSnapshot,
  tenantSettingsInput,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import { DISPLAY_TOKEN_PREFIX, effectiveTokenRole, SERVICE_TOKEN_PREFIX } from '../auth/credentials.js';
import { generateSecret, hashSecret } from '../auth/secrets.js';
import { inserted } from '../db/results.js';
import type { Database, Executor } from '../db/schema.js';
import { conflict, notFound } from '../errors.js';
import { lastSequence } from '../events/outbox/reader.js';
import { appendEvent } from '../events/outbox/writer.js';
import { recordRemoval } from './removals.js';
import {
  findMembershipRole,
  findTenantById,
  lockTenant,
  type TenantRecord,
  toTenant,
  toTenantRecord,
} from './repository.js';
import { checkCanChangeRole, checkOwnerRemains, checkQuestionLengths, checkTokenRole } from './rules.js';

const now = () => new Date().toISOString();

export function describeTenant(access: TenantAccess): Tenant {
  const role = access.actor.role === 'display' ? null : access.actor.role;
  return toTenant(access.tenant, role);
}

/**
 * The tenant as of at least its current event sequence: the sequence is read before the tenant row,
 * so a settings change committed meanwhile is in the row, or comes after the sequence on the stream.
 */
export async function tenantSnapshot(db: Database, access: TenantAccess): Promise<TenantSnapshot> {
  const sequence = await lastSequence(db, access.tenant.id);
  const record = (await findTenantById(db, access.tenant.id)) ?? access.tenant;
  return { ...describeTenant({ ...access, tenant: record }), sequence };
}

/** Creates a tenant with its queue and event sequence; the slug must be free. */
export async function insertTenant(trx: Executor, slug: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  const result = await trx
    .insertInto('tenants')
    .values({
      id,
      slug,
      name,
      requireApproval: 0,
      allowGuests: 0,
      minQuestionLength: 1,
      maxQuestionLength: 2000,
      createdAt: now(),
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .executeTakeFirst();
  if (!inserted(result)) throw conflict(`The address "${slug}" is already taken`);
  await trx.insertInto('queueStates').values({ tenantId: id, frozen: 0 }).execute();
  await trx.insertInto('eventSequences').values({ tenantId: id, lastSeq: 0 }).execute();
  return id;
}

export async function addMember(trx: Executor, tenantId: string, userId: string, role: Role): Promise<void> {
  await trx
    .insertInto('memberships')
    .values({ tenantId, userId, role, createdAt: now() })
    .onConflict((oc) => oc.columns(['tenantId', 'userId']).doNothing())
    .execute();
}

export async function createTenant(
  db: Database,
  ownerId: string,
  input: { tenant: string; name: string },
): Promise<Tenant> {
  const id = await db.transaction().execute(async (trx) => {
    const tenantId = await insertTenant(trx, input.tenant, input.name);
    await addMember(trx, tenantId, ownerId, 'owner');
    // The display shows a QR code from the first minute, before anyone thinks of creating a link.
    await insertJoinLink(trx, tenantId, ownerId);
    return tenantId;
  });
  const record = (await findTenantById(db, id)) as TenantRecord;
  return toTenant(record, 'owner');
}

/** Changes only the settings the caller sent, so concurrent changes to other settings are kept. */
export async function updateSettings(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof tenantSettingsInput>,
): Promise<TenantSnapshot> {
  const { tenant: _slug, requireApproval, allowGuests, ...rest } = input;
  const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);
  const changes = Object.fromEntries(
    Object.entries({
      ...rest,
      requireApproval: flag(requireApproval),
      allowGuests: flag(allowGuests),
    }).filter(([, value]) => value !== undefined),
  );
  const { record, sequence } = await db.transaction().execute(async (trx) => {
    const current = await lockTenant(trx, access.tenant.id);
    checkQuestionLengths(
      rest.minQuestionLength ?? current.settings.minQuestionLength,
      rest.maxQuestionLength ?? current.settings.maxQuestionLength,
    );
    if (Object.keys(changes).length === 0)
      return { record: current, sequence: await lastSequence(trx, access.tenant.id) };
    const row = await trx
      .updateTable('tenants')
      .set(changes)
      .where('id', '=', access.tenant.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const updated = toTenantRecord(row);
    // Open pages follow the change live: the submit box's limits, the review notice, the name.
    const event = {
      type: 'tenant:updated',
      data: { name: updated.name, settings: updated.settings },
    } as const;
    return { record: updated, sequence: await appendEvent(trx, access.tenant.id, event, 'all') };
  });
  return { ...describeTenant({ ...access, tenant: record }), sequence };
}

export async function listMembers(db: Database, tenantId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.userId')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.guest',
      'memberships.role',
      'memberships.createdAt',
    ])
    .where('memberships.tenantId', '=', tenantId)
    .orderBy('users.name')
    .execute();
  return rows.map((row) => ({
    userId: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    guest: row.guest === 1,
    joinedAt: row.createdAt,
  }));
}

async function memberRole(trx: Executor, tenantId: string, userId: string): Promise<Role> {
  const role = await findMembershipRole(trx, tenantId, userId);
  if (!role) throw notFound('Member not found');
  return role;
}

async function ownerCount(trx: Executor, tenantId: string): Promise<number> {
  const { count } = await trx
    .selectFrom('memberships')
    .where('tenantId', '=', tenantId)
    .where('role', '=', 'owner')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Changes a member's role, or removes the member when `newRole` is null. */
export async function changeMembership(
  db: Database,
  access: TenantAccess,
  userId: string,
  newRole: Role | null,
): Promise<Member[]> {
  const tenantId = access.tenant.id;
  await db.transaction().execute(async (trx) => {
    await lockTenant(trx, tenantId);
    const currentRole = await memberRole(trx, tenantId, userId);
    checkCanChangeRole(access.actor.role, currentRole, newRole);
    checkOwnerRemains(await ownerCount(trx, tenantId), currentRole, newRole);
    if (newRole) {
      await trx
        .updateTable('memberships')
        .set({ role: newRole })
        .where('tenantId', '=', tenantId)
        .where('userId', '=', userId)
        .execute();
    } else {
      await trx
        .deleteFrom('memberships')
        .where('tenantId', '=', tenantId)
        .where('userId', '=', userId)
        .execute();
      await recordRemoval(trx, tenantId, userId, access.actor.id);
    }
  });
  return listMembers(db, tenantId);
}

async function insertJoinLink(executor: Executor, tenantId: string, createdBy: string) {
  const link = { id: crypto.randomUUID(), code: generateSecret().slice(0, 16), createdAt: now() };
  await executor
    .insertInto('links')
    .values({ ...link, tenantId, kind: 'join', tokenHash: null, createdBy })
    .execute();
  return link;
}

export function createJoinLink(db: Database, access: TenantAccess) {
  return insertJoinLink(db, access.tenant.id, access.actor.id);
}

export async function createDisplayLink(db: Database, access: TenantAccess) {
  const link = {
    id: crypto.randomUUID(),
    token: `${DISPLAY_TOKEN_PREFIX}${generateSecret()}`,
    createdAt: now(),
  };
  await db
    .insertInto('links')
    .values({
      id: link.id,
      tenantId: access.tenant.id,
      kind: 'display',
      code: null,
      tokenHash: hashSecret(link.token),
      createdBy: access.actor.id,
      createdAt: link.createdAt,
    })
    .execute();
  return link;
}

/** Marks a tenant's link or token revoked; an unknown, foreign or already revoked id is "not found". */
async function revoke(
  db: Database,
  table: 'links' | 'serviceTokens',
  tenantId: string,
  id: string,
  what: string,
) {
  const result = await db
    .updateTable(table)
    .set({ revokedAt: now() })
    .where('id', '=', id)
    .where('tenantId', '=', tenantId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound(`${what} not found or already revoked`);
}

export async function revokeLink(db: Database, access: TenantAccess, linkId: string) {
  await revoke(db, 'links', access.tenant.id, linkId, 'Link');
  return { linkId };
}

export async function createServiceToken(
  db: Database,
  access: TenantAccess,
  input: { name: string; role: Role },
) {
  checkTokenRole(access.actor.role, input.role);
  const token = { id: crypto.randomUUID(), name: input.name, role: input.role };
  const secret = `${SERVICE_TOKEN_PREFIX}${generateSecret()}`;
  await db
    .insertInto('serviceTokens')
    .values({
      ...token,
      tenantId: access.tenant.id,
      tokenHash: hashSecret(secret),
      createdBy: access.actor.id,
      createdAt: now(),
    })
    .execute();
  return { ...token, token: secret };
}

/** The tenant's links and tokens that still work, newest first; their secrets are never listed. */
export async function listAccess(db: Database, tenantId: string): Promise<TenantAccessList> {
  const [links, serviceTokens] = await Promise.all([
    db
      .selectFrom('links')
      .select(['id', 'kind', 'code', 'createdAt'])
      .where('tenantId', '=', tenantId)
      .where('revokedAt', 'is', null)
      .orderBy('createdAt', 'desc')
      .execute(),
    db
      .selectFrom('serviceTokens')
      .select(['id', 'tenantId', 'name', 'role', 'createdBy', 'createdAt'])
      .where('tenantId', '=', tenantId)
      .where('revokedAt', 'is', null)
      .orderBy('createdAt', 'desc')
      .execute(),
  ]);
  return {
    joinLinks: links.flatMap(({ id, kind, code, createdAt }) =>
      kind === 'join' && code ? [{ id, code, createdAt }] : [],
    ),
    displayLinks: links
      .filter((link) => link.kind === 'display')
      .map(({ id, createdAt }) => ({ id, createdAt })),
    serviceTokens: await Promise.all(
      serviceTokens.map(async ({ id, name, role, createdAt, ...grant }) => ({
        id,
        name,
        role,
        effectiveRole: await effectiveTokenRole(db, { ...grant, role }),
        createdAt,
      })),
    ),
  };
}

/** The newest join link that still works, for everyone in the tenant to share (and the display's QR code). */
export async function currentJoinCode(db: Database, tenantId: string): Promise<{ code: string } | null> {
  const link = await db
    .selectFrom('links')
    .select('code')
    .where('tenantId', '=', tenantId)
    .where('kind', '=', 'join')
    .where('revokedAt', 'is', null)
    .orderBy('createdAt', 'desc')
    .executeTakeFirst();
  return link?.code ? { code: link.code } : null;
}

export async function revokeServiceToken(db: Database, access: TenantAccess, tokenId: string) {
  await revoke(db, 'serviceTokens', access.tenant.id, tokenId, 'Service token');
  return { tokenId };
}

export function listTeams(db: Database, tenantId: string): Promise<Team[]> {
  return db
    .selectFrom('teams')
    .select(['id', 'name'])
    .where('tenantId', '=', tenantId)
    .orderBy('name')
    .execute();
}

export async function createTeam(db: Database, tenantId: string, name: string): Promise<Team> {
  const team = { id: crypto.randomUUID(), name };
  const result = await db
    .insertInto('teams')
    .values({ ...team, tenantId, createdAt: now() })
    .onConflict((oc) => oc.columns(['tenantId', 'name']).doNothing())
    .executeTakeFirst();
  if (!inserted(result)) throw conflict(`A team named "${name}" already exists`);
  return team;
}
