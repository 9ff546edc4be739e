import {
  createServiceTokenInput,
  linkInput,
  memberInput,
  serviceTokenInput,
  setRoleInput,
  teamCreateInput,
  tenantCreateInput,
  tenantScoped,
  tenantSettingsInput,
} from '@pulsestage/contracts';
import { TRPCError } from '@trpc/server';
import { router, signedInProcedure, tenantProcedure } from '../trpc/trpc.js';
import { listRemovedMembers, readmitMember } from './removals.js';
import * as tenants from './service.js';

const changesAccess = { changesAccess: true };

export const tenantRouter = router({
  get: tenantProcedure('read')
    .input(tenantScoped)
    .query(({ ctx }) => tenants.tenantSnapshot(ctx.db, ctx.access)),
  create: signedInProcedure.input(tenantCreateInput).mutation(({ ctx, input }) => {
    if (ctx.caller.user.guest)
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Guests cannot create organizations' });
    return tenants.createTenant(ctx.db, ctx.caller.user.id, input);
  }),
  updateSettings: tenantProcedure('manage')
    .input(tenantSettingsInput)
    .mutation(({ ctx, input }) => tenants.updateSettings(ctx.db, ctx.access, input)),
  members: tenantProcedure('manage')
    .input(tenantScoped)
    .query(({ ctx }) => tenants.listMembers(ctx.db, ctx.access.tenant.id)),
  setRole: tenantProcedure('manage')
    .meta(changesAccess)
    .input(setRoleInput)
    .mutation(({ ctx, input }) => tenants.changeMembership(ctx.db, ctx.access, input.userId, input.role)),
  removeMember: tenantProcedure('manage')
    .meta(changesAccess)
    .input(memberInput)
    .mutation(({ ctx, input }) => tenants.changeMembership(ctx.db, ctx.access, input.userId, null)),
  /** Removed people cannot rejoin through a join link until an admin lets them back in. */
  removedMembers: tenantProcedure('manage')
    .input(tenantScoped)
    .query(({ ctx }) => listRemovedMembers(ctx.db, ctx.access.tenant.id)),
  readmitMember: tenantProcedure('manage')
    .meta(changesAccess)
    .input(memberInput)
    .mutation(({ ctx, input }) => readmitMember(ctx.db, ctx.access.tenant.id, input.userId)),
  access: tenantProcedure('manage')
    .input(tenantScoped)
    .query(({ ctx }) => tenants.listAccess(ctx.db, ctx.access.tenant.id)),
  joinCode: tenantProcedure('read')
    .input(tenantScoped)
    .query(({ ctx }) => tenants.currentJoinCode(ctx.db, ctx.access.tenant.id)),
  createJoinLink: tenantProcedure('manage')
    .meta(changesAccess)
    .input(tenantScoped)
    .mutation(({ ctx }) => tenants.createJoinLink(ctx.db, ctx.access)),
  createDisplayLink: tenantProcedure('manage')
    .meta(changesAccess)
    .input(tenantScoped)
    .mutation(({ ctx }) => tenants.createDisplayLink(ctx.db, ctx.access)),
  revokeLink: tenantProcedure('manage')
    .meta(changesAccess)
    .input(linkInput)
    .mutation(({ ctx, input }) => tenants.revokeLink(ctx.db, ctx.access, input.linkId)),
  createServiceToken: tenantProcedure('manage')
    .meta(changesAccess)
    .input(createServiceTokenInput)
    .mutation(({ ctx, input }) => tenants.createServiceToken(ctx.db, ctx.access, input)),
  revokeServiceToken: tenantProcedure('manage')
    .meta(changesAccess)
    .input(serviceTokenInput)
    .mutation(({ ctx, input }) => tenants.revokeServiceToken(ctx.db, ctx.access, input.tokenId)),
});

export const teamRouter = router({
  list: tenantProcedure('read')
    .input(tenantScoped)
    .query(({ ctx }) => tenants.listTeams(ctx.db, ctx.access.tenant.id)),
  create: tenantProcedure('moderate')
    .input(teamCreateInput)
    .mutation(({ ctx, input }) => tenants.createTeam(ctx.db, ctx.access.tenant.id, input.name)),
});
