import {
  accountSession,
  answerEmailInput,
  answerEmailSetting,
  endedSession,
  endSessionInput,
  noInput,
  signedOutEverywhere,
} from '@pulsestage/contracts';
import { z } from 'zod';
import type { EventHub } from '../events/stream/hub.js';
import { readAnswerEmailSetting, setAnswerEmails } from '../notifications/service.js';
import { router, signedInProcedure } from '../trpc/trpc.js';
import { endAllSessions, endSession, listSessions } from './account.js';

const changesAccess = { changesAccess: true };

/** The ended sessions' open streams end now rather than at the next access sweep. */
async function announceAccessChanges(hub: EventHub, tenantIds: string[]): Promise<void> {
  await Promise.all(tenantIds.map((tenantId) => hub.announceAccessChange(tenantId)));
}

/** A signed-in person's own sessions: every browser they are signed in with, and ending them. */
export const accountRouter = router({
  sessions: signedInProcedure
    .input(noInput)
    .output(z.array(accountSession))
    .query(({ ctx }) => listSessions(ctx.db, ctx.caller)),
  endSession: signedInProcedure
    .meta(changesAccess)
    .input(endSessionInput)
    .output(endedSession)
    .mutation(async ({ ctx, input }) => {
      const ended = await endSession(ctx.db, ctx.caller, input.sessionId);
      await announceAccessChanges(ctx.hub, ended.tenantIds);
      if (ended.current) ctx.clearCredentialCookies();
      return { sessionId: input.sessionId, current: ended.current };
    }),
  /** Emails when one's question is answered, in any organization. */
  answerEmails: signedInProcedure
    .input(noInput)
    .output(answerEmailSetting)
    .query(({ ctx }) => readAnswerEmailSetting(ctx.db, ctx.caller.user.id)),
  setAnswerEmails: signedInProcedure
    .input(answerEmailInput)
    .output(answerEmailSetting)
    .mutation(({ ctx, input }) => setAnswerEmails(ctx.db, ctx.caller.user.id, input.enabled)),
  // No input parser, like auth.signOut: tRPC then reads no body, which is what a typed client sends.
  signOutEverywhere: signedInProcedure
    .meta(changesAccess)
    .output(signedOutEverywhere)
    .mutation(async ({ ctx }) => {
      const ended = await endAllSessions(ctx.db, ctx.caller);
      await announceAccessChanges(ctx.hub, ended.tenantIds);
      ctx.clearCredentialCookies();
      return { sessionsEnded: ended.sessionsEnded };
    }),
});
