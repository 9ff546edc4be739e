import {
  createServiceTokenInput,
  displayLink,
  joinCode,
  joinLink,
  linkInput,
  member,
  memberInput,
  removedGuests,
  removedMember,
  revokedLink,
  revokedServiceToken,
  serviceToken,
  serviceTokenInput,
  setMemberTeamInput,
  setRoleInput,
  team,
  teamCreateInput,
  tenant,
  tenantAccessList,
  tenantCreateInput,
  tenantSafetySettings,
  tenantSafetySettingsInput,
  tenantScoped,
  tenantSettingsInput,
  tenantSnapshot,
} from '@pulsestage/contracts';
import { z } from 'zod';
import { router, signedInProcedure, tenantProcedure } from '../trpc/trpc.js';
import { listAccess } from './access-list.js';
import { createDisplayLink, createJoinLink, currentJoinCode, revokeLink } from './links.js';
import { listMembers, removeGuests, removeMember, setMemberRole, setMemberTeam } from './members.js';
import { listRemovedMembers, readmitMember } from './removals.js';
import { readSafetySettings, updateSafetySettings } from './safety.js';
import { createTenant, readTenantSnapshot, updateSettings } from './settings.js';
import { createTeam, listTeams } from './teams.js';
import { createServiceToken, revokeServiceToken } from './tokens.js';

const changesAccess = { changesAccess: true };

export const tenantRouter = router({
  get: tenantProcedure('read')
    .input(tenantScoped)
    .output(tenantSnapshot)
    .query(({ ctx }) => readTenantSnapshot(ctx.db, ctx.access)),
  create: signedInProcedure
    .input(tenantCreateInput)
    .output(tenant)
    .mutation(({ ctx, input }) => createTenant(ctx.db, ctx.caller.user, input)),
  updateSettings: tenantProcedure('manage')
    .input(tenantSettingsInput)
    .output(tenantSnapshot)
    .mutation(({ ctx, input }) => updateSettings(ctx.db, ctx.access, input)),
  /** Restricted words and embedding origins: admins only, never in `tenant.get` or `tenant:updated`. */
  safetySettings: tenantProcedure('manage')
    .input(tenantScoped)
    .output(tenantSafetySettings)
    .query(({ ctx }) => readSafetySettings(ctx.db, ctx.access.tenant.id)),
  updateSafetySettings: tenantProcedure('manage')
    .input(tenantSafetySettingsInput)
    .output(tenantSafetySettings)
    .mutation(({ ctx, input }) => updateSafetySettings(ctx.db, ctx.access.tenant.id, input)),
  members: tenantProcedure('manage')
    .input(tenantScoped)
    .output(z.array(member))
    .query(({ ctx }) => listMembers(ctx.db, ctx.access.tenant.id)),
  setRole: tenantProcedure('manage')
    .meta(changesAccess)
    .input(setRoleInput)
    .output(z.array(member))
    .mutation(({ ctx, input }) => setMemberRole(ctx.db, ctx.access, input.userId, input.role)),
  /** The team a member's pulse answers count for. */
  setMemberTeam: tenantProcedure('manage')
    .input(setMemberTeamInput)
    .output(z.array(member))
    .mutation(({ ctx, input }) => setMemberTeam(ctx.db, ctx.access, input.userId, input.teamId)),
  removeMember: tenantProcedure('manage')
    .meta(changesAccess)
    .input(memberInput)
    .output(z.array(member))
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.access, input.userId)),
  /** Every guest at once, when guests are turned off; they can join again only as new guests. */
  removeGuests: tenantProcedure('manage')
    .meta(changesAccess)
    .input(tenantScoped)
    .output(removedGuests)
    .mutation(({ ctx }) => removeGuests(ctx.db, ctx.access)),
  /** Removed people cannot rejoin through a join link until an admin lets them back in. */
  removedMembers: tenantProcedure('manage')
    .input(tenantScoped)
    .output(z.array(removedMember))
    .query(({ ctx }) => listRemovedMembers(ctx.db, ctx.access.tenant.id)),
  readmitMember: tenantProcedure('manage')
    .meta(changesAccess)
    .input(memberInput)
    .output(z.array(removedMember))
    .mutation(({ ctx, input }) => readmitMember(ctx.db, ctx.access.tenant.id, input.userId)),
  access: tenantProcedure('manage')
    .input(tenantScoped)
    .output(tenantAccessList)
    .query(({ ctx }) => listAccess(ctx.db, ctx.access.tenant.id)),
  joinCode: tenantProcedure('read')
    .input(tenantScoped)
    .output(joinCode)
    .query(({ ctx }) => currentJoinCode(ctx.db, ctx.access.tenant.id)),
  createJoinLink: tenantProcedure('manage')
    .meta(changesAccess)
    .input(tenantScoped)
    .output(joinLink)
    .mutation(({ ctx }) => createJoinLink(ctx.db, ctx.access)),
  createDisplayLink: tenantProcedure('manage')
    .meta(changesAccess)
    .input(tenantScoped)
    .output(displayLink)
    .mutation(({ ctx }) => createDisplayLink(ctx.db, ctx.access)),
  revokeLink: tenantProcedure('manage')
    .meta(changesAccess)
    .input(linkInput)
    .output(revokedLink)
    .mutation(({ ctx, input }) => revokeLink(ctx.db, ctx.access, input.linkId)),
  createServiceToken: tenantProcedure('manage')
    .meta(changesAccess)
    .input(createServiceTokenInput)
    .output(serviceToken)
    .mutation(({ ctx, input }) => createServiceToken(ctx.db, ctx.access, input)),
  revokeServiceToken: tenantProcedure('manage')
    .meta(changesAccess)
    .input(serviceTokenInput)
    .output(revokedServiceToken)
    .mutation(({ ctx, input }) => revokeServiceToken(ctx.db, ctx.access, input.tokenId)),
});

export const teamRouter = router({
  list: tenantProcedure('read')
    .input(tenantScoped)
    .output(z.array(team))
    .query(({ ctx }) => listTeams(ctx.db, ctx.access.tenant.id)),
  create: tenantProcedure('moderate')
    .input(teamCreateInput)
    .output(team)
    .mutation(({ ctx, input }) => createTeam(ctx.db, ctx.access.tenant.id, input.name)),
});
