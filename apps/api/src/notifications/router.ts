import {
  answerEmailLinkResult,
  notificationEmailLinkInput,
  notificationListInput,
  notificationMarkReadInput,
  notificationPage,
  tenantScoped,
  unreadNotifications,
} from '@pulsestage/contracts';
import { publicProcedure, router, tenantProcedure } from '../trpc/trpc.js';
import {
  countUnreadNotifications,
  listNotifications,
  markNotificationsRead,
  setAnswerEmailsByLink,
} from './service.js';

/** Each member's own notifications in a tenant: nobody sees another's. */
export const notificationRouter = router({
  list: tenantProcedure('participate')
    .input(notificationListInput)
    .output(notificationPage)
    .query(({ ctx, input }) => listNotifications(ctx.db, ctx.access, input)),
  unreadCount: tenantProcedure('participate')
    .input(tenantScoped)
    .output(unreadNotifications)
    .query(({ ctx }) => countUnreadNotifications(ctx.db, ctx.access)),
  markRead: tenantProcedure('participate')
    .input(notificationMarkReadInput)
    .output(unreadNotifications)
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.db, ctx.access, input)),
  /** The link in a notification email: no sign-in, the token is the credential. */
  setEmailByLink: publicProcedure
    .input(notificationEmailLinkInput)
    .output(answerEmailLinkResult)
    .mutation(({ ctx, input }) => setAnswerEmailsByLink(ctx.db, input)),
});
