import {
  currentUser,
  demoAccounts,
  joinCodeInput,
  joinedWithCode,
  joinLinkSummary,
  joinWithCodeInput,
  noInput,
  openDisplayInput,
  signInInput,
  signUpInput,
} from '@pulsestage/contracts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../demo/seed.js';
import { publicProcedure, router } from '../trpc/trpc.js';
import * as auth from './service.js';

export const authRouter = router({
  signUp: publicProcedure
    .input(signUpInput)
    .output(currentUser)
    .mutation(async ({ ctx, input }) => {
      const signedIn = await auth.signUp(ctx.db, input, ctx.req.headers['user-agent']);
      ctx.setSessionCookie(signedIn.token, signedIn.session.expiresAt);
      return signedIn.user;
    }),
  signIn: publicProcedure
    .input(signInInput)
    .output(currentUser)
    .mutation(async ({ ctx, input }) => {
      const signedIn = await auth.signIn(ctx.db, input, ctx.req.headers['user-agent']);
      ctx.setSessionCookie(signedIn.token, signedIn.session.expiresAt);
      return signedIn.user;
    }),
  // No input parser: tRPC then reads no body, which is what a typed client sends for this call.
  signOut: publicProcedure.meta({ changesAccess: true }).mutation(async ({ ctx }) => {
    if (ctx.caller.kind === 'user') {
      const tenantIds = await auth.signOut(ctx.db, ctx.caller);
      // The session's open streams end now rather than at the next access sweep.
      await Promise.all(tenantIds.map((tenantId) => ctx.hub.announceAccessChange(tenantId)));
    }
    ctx.clearCredentialCookies();
    return { signedOut: true };
  }),
  me: publicProcedure
    .input(noInput)
    .output(currentUser.nullable())
    .query(({ ctx }) => (ctx.caller.kind === 'user' ? auth.currentUser(ctx.db, ctx.caller.user.id) : null)),
  demoAccounts: publicProcedure
    .input(noInput)
    .output(demoAccounts.nullable())
    .query(({ ctx }) => (ctx.demoMode ? { password: DEMO_PASSWORD, accounts: [...DEMO_ACCOUNTS] } : null)),
  /** The address for QR codes and links (`PUBLIC_URL`); null when unset, and pages use their own. */
  publicUrl: publicProcedure.input(noInput).query(({ ctx }) => ({ publicUrl: ctx.publicUrl ?? null })),
  joinLink: publicProcedure
    .input(joinCodeInput)
    .output(joinLinkSummary)
    .query(({ ctx, input }) => auth.describeJoinLink(ctx.db, input.code)),
  /** A presenter screen opens a display link: the link's token becomes this browser's display cookie. */
  openDisplay: publicProcedure.input(openDisplayInput).mutation(async ({ ctx, input }) => {
    const opened = await auth.openDisplay(ctx.db, input.token);
    ctx.setDisplayCookie(input.token);
    return opened;
  }),
  /** A join link's code, or a meeting's code, which lands in that meeting. */
  joinWithCode: publicProcedure
    .input(joinWithCodeInput)
    .output(joinedWithCode)
    .mutation(async ({ ctx, input }) => {
      const signedIn =
        ctx.caller.kind === 'user' ? { ...ctx.caller.user, ssoTenantId: ctx.caller.ssoTenantId } : null;
      const joined = await auth.joinWithCode(ctx.db, signedIn, input, ctx.req.headers['user-agent']);
      if (joined.guestSession) {
        ctx.setSessionCookie(joined.guestSession.token, joined.guestSession.session.expiresAt);
      }
      return { tenant: joined.tenant, meetingId: joined.meetingId };
    }),
});
