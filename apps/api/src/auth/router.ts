import { joinWithCodeInput, noInput, signInInput, signUpInput } from '@pulsestage/contracts';
import { publicProcedure, router } from '../trpc/trpc.js';
import * as auth from './service.js';
import { invalidateSession } from './sessions.js';

export const authRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const signedIn = await auth.signUp(ctx.db, input);
    ctx.setSessionCookie(signedIn.token, signedIn.session.expiresAt);
    return signedIn.user;
  }),
  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const signedIn = await auth.signIn(ctx.db, input);
    ctx.setSessionCookie(signedIn.token, signedIn.session.expiresAt);
    return signedIn.user;
  }),
  signOut: publicProcedure.input(noInput).mutation(async ({ ctx }) => {
    if (ctx.caller.kind === 'user') await invalidateSession(ctx.db, ctx.caller.sessionId);
    ctx.clearSessionCookie();
    return { signedOut: true };
  }),
  me: publicProcedure
    .input(noInput)
    .query(({ ctx }) => (ctx.caller.kind === 'user' ? auth.currentUser(ctx.db, ctx.caller.user.id) : null)),
  joinWithCode: publicProcedure.input(joinWithCodeInput).mutation(async ({ ctx, input }) => {
    const userId = ctx.caller.kind === 'user' ? ctx.caller.user.id : null;
    const joined = await auth.joinWithCode(ctx.db, userId, input);
    if (joined.guestSession) {
      ctx.setSessionCookie(joined.guestSession.token, joined.guestSession.session.expiresAt);
    }
    return { tenant: joined.tenant };
  }),
});
