import { exportFile, meetingAnalytics, meetingExportInput, meetingScoped } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Database } from '../db/schema.js';
import { tenantProcedure } from '../trpc/trpc.js';
import { readMeetingAnalytics } from './analytics.js';
import { exportMeeting } from './export.js';
import { findMeeting, type MeetingRow } from './repository.js';
import { meetingNotFound } from './service.js';

/** The meeting to report on; one of another tenant is refused like an id that exists nowhere. */
async function meetingToReport(db: Database, access: TenantAccess, meetingId: string): Promise<MeetingRow> {
  const meeting = await findMeeting(db, access.tenant.id, meetingId);
  if (!meeting) throw meetingNotFound();
  return meeting;
}

/** `meeting.export` and `meeting.analytics`, merged into the meeting router. */
export const reportProcedures = {
  export: tenantProcedure('moderate')
    .input(meetingExportInput)
    .output(exportFile)
    .query(async ({ ctx, input }) =>
      exportMeeting(ctx.db, await meetingToReport(ctx.db, ctx.access, input.meetingId), input.format),
    ),
  analytics: tenantProcedure('moderate')
    .input(meetingScoped)
    .output(meetingAnalytics)
    .query(async ({ ctx, input }) =>
      readMeetingAnalytics(ctx.db, await meetingToReport(ctx.db, ctx.access, input.meetingId)),
    ),
};
