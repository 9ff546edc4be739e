import { exportFile, meetingAnalytics, meetingExportInput, meetingScoped } from '@pulsestage/contracts';
import { tenantProcedure } from '../trpc/trpc.js';
import { readMeetingAnalytics } from './analytics.js';
import { exportMeeting } from './export.js';
import { tenantMeeting } from './lookup.js';

/** `meeting.export` and `meeting.analytics`, merged into the meeting router. */
export const reportProcedures = {
  export: tenantProcedure('moderate')
    .input(meetingExportInput)
    .output(exportFile)
    .query(async ({ ctx, input }) =>
      exportMeeting(ctx.db, await tenantMeeting(ctx.db, ctx.access.tenant.id, input.meetingId), input.format),
    ),
  analytics: tenantProcedure('moderate')
    .input(meetingScoped)
    .output(meetingAnalytics)
    .query(async ({ ctx, input }) =>
      readMeetingAnalytics(ctx.db, await tenantMeeting(ctx.db, ctx.access.tenant.id, input.meetingId)),
    ),
};
