import { ssoAvailability, ssoSettings, ssoSettingsInput, tenantScoped } from '@pulsestage/contracts';
import type { Context } from '../../trpc/context.js';
import { publicProcedure, router, tenantProcedure } from '../../trpc/trpc.js';
import { ssoRedirectUri } from './routes.js';
import { ssoAvailability as availability, readSsoSettings, updateSsoSettings } from './settings.js';

const redirectUriOf = (ctx: Context) => ssoRedirectUri(ctx.req, ctx.publicUrl, ctx.secureCookies);

export const ssoRouter = router({
  /** The tenant's provider settings, for its admins: never the client secret, only whether one is set. */
  settings: tenantProcedure('manage')
    .input(tenantScoped)
    .output(ssoSettings)
    .query(({ ctx }) => readSsoSettings(ctx.db, ctx.access, redirectUriOf(ctx))),
  updateSettings: tenantProcedure('manage')
    .meta({ changesAccess: true })
    .input(ssoSettingsInput)
    .output(ssoSettings)
    .mutation(({ ctx, input }) => updateSsoSettings(ctx.db, ctx.access, input, ctx.sso, redirectUriOf(ctx))),
  /** For the sign-in page: whether to offer single sign-on for this tenant, and nothing else. */
  available: publicProcedure
    .input(tenantScoped)
    .output(ssoAvailability)
    .query(({ ctx, input }) => availability(ctx.db, input.tenant)),
});
