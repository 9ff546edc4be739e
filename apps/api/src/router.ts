import { auditRouter } from './audit/router.js';
import { accountRouter } from './auth/account-router.js';
import { authRouter } from './auth/router.js';
import { ssoRouter } from './auth/sso/router.js';
import { eventsRouter } from './events/stream/router.js';
import { meetingRouter } from './meetings/router.js';
import { notificationRouter } from './notifications/router.js';
import { pulseRouter } from './pulse/router.js';
import { questionRouter, queueRouter, tagRouter } from './questions/router.js';
import { teamRouter, tenantRouter } from './tenants/router.js';
import { router } from './trpc/trpc.js';

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  tenant: tenantRouter,
  meeting: meetingRouter,
  team: teamRouter,
  tag: tagRouter,
  question: questionRouter,
  queue: queueRouter,
  events: eventsRouter,
  audit: auditRouter,
  pulse: pulseRouter,
  notification: notificationRouter,
  sso: ssoRouter,
});

export type AppRouter = typeof appRouter;
