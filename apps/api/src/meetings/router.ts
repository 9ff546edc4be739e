import {
  meeting,
  meetingCreateInput,
  meetingList,
  meetingListInput,
  meetingScoped,
  meetingSnapshot,
  meetingUpdateInput,
} from '@pulsestage/contracts';
import { router, tenantProcedure } from '../trpc/trpc.js';
import { reportProcedures } from './reports-router.js';
import {
  closeMeeting,
  createMeeting,
  deleteMeeting,
  getMeeting,
  listMeetings,
  openMeeting,
  updateMeeting,
} from './service.js';

export const meetingRouter = router({
  list: tenantProcedure('read')
    .input(meetingListInput)
    .output(meetingList)
    .query(({ ctx, input }) => listMeetings(ctx.db, ctx.access, input.when)),
  get: tenantProcedure('read')
    .input(meetingScoped)
    .output(meetingSnapshot)
    .query(({ ctx, input }) => getMeeting(ctx.db, ctx.access, input.meetingId)),
  create: tenantProcedure('moderate')
    .input(meetingCreateInput)
    .output(meeting)
    .mutation(({ ctx, input }) => createMeeting(ctx.db, ctx.access, input)),
  update: tenantProcedure('moderate')
    .input(meetingUpdateInput)
    .output(meeting)
    .mutation(({ ctx, input }) => updateMeeting(ctx.db, ctx.access, input)),
  open: tenantProcedure('moderate')
    .input(meetingScoped)
    .output(meeting)
    .mutation(({ ctx, input }) => openMeeting(ctx.db, ctx.access, input.meetingId)),
  close: tenantProcedure('moderate')
    .input(meetingScoped)
    .output(meeting)
    .mutation(({ ctx, input }) => closeMeeting(ctx.db, ctx.access, input.meetingId)),
  /** With its questions; admins and owners only. */
  delete: tenantProcedure('manage')
    .input(meetingScoped)
    .output(meeting)
    .mutation(({ ctx, input }) => deleteMeeting(ctx.db, ctx.access, input.meetingId)),
  ...reportProcedures,
});
