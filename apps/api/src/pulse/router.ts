import {
  exportFile,
  pulseEmailPreferenceInput,
  pulseLinkResponseInput,
  pulsePending,
  pulseQuestion,
  pulseQuestionCreateInput,
  pulseQuestionOrderInput,
  pulseQuestionUpdateInput,
  pulseRecorded,
  pulseRespondInput,
  pulseResults,
  pulseResultsInput,
  pulseSettings,
  pulseSettingsInput,
  tenantScoped,
} from '@pulsestage/contracts';
import { z } from 'zod';
import { publicProcedure, router, tenantProcedure } from '../trpc/trpc.js';
import {
  readPendingCheckins,
  respondToCheckin,
  respondWithLink,
  setPulseEmailPreference,
} from './checkins.js';
import {
  createPulseQuestion,
  listPulseQuestions,
  reorderPulseQuestions,
  updatePulseQuestion,
} from './questions.js';
import { exportPulseResults, readPulseResults } from './results.js';
import { readPulseSettings, updatePulseSettings } from './settings.js';

export const pulseRouter = router({
  settings: tenantProcedure('manage')
    .input(tenantScoped)
    .output(pulseSettings)
    .query(({ ctx }) => readPulseSettings(ctx.db, ctx.access.tenant.id)),
  updateSettings: tenantProcedure('manage')
    .input(pulseSettingsInput)
    .output(pulseSettings)
    .mutation(({ ctx, input }) => updatePulseSettings(ctx.db, ctx.access, input)),
  questions: tenantProcedure('manage')
    .input(tenantScoped)
    .output(z.array(pulseQuestion))
    .query(({ ctx }) => listPulseQuestions(ctx.db, ctx.access)),
  createQuestion: tenantProcedure('manage')
    .input(pulseQuestionCreateInput)
    .output(pulseQuestion)
    .mutation(({ ctx, input }) => createPulseQuestion(ctx.db, ctx.access, input)),
  updateQuestion: tenantProcedure('manage')
    .input(pulseQuestionUpdateInput)
    .output(pulseQuestion)
    .mutation(({ ctx, input }) => updatePulseQuestion(ctx.db, ctx.access, input)),
  reorderQuestions: tenantProcedure('manage')
    .input(pulseQuestionOrderInput)
    .output(z.array(pulseQuestion))
    .mutation(({ ctx, input }) => reorderPulseQuestions(ctx.db, ctx.access, input)),
  pending: tenantProcedure('participate')
    .input(tenantScoped)
    .output(pulsePending)
    .query(({ ctx }) => readPendingCheckins(ctx.db, ctx.clock, ctx.access)),
  respond: tenantProcedure('participate')
    .input(pulseRespondInput)
    .output(pulseRecorded)
    .mutation(({ ctx, input }) => respondToCheckin(ctx.db, ctx.clock, ctx.access, input)),
  setEmailPreference: tenantProcedure('participate')
    .input(pulseEmailPreferenceInput)
    .output(pulsePending)
    .mutation(({ ctx, input }) => setPulseEmailPreference(ctx.db, ctx.clock, ctx.access, input)),
  /** A one-tap link from an invitation email: no sign-in, the token is the credential. */
  respondWithLink: publicProcedure
    .input(pulseLinkResponseInput)
    .output(pulseRecorded)
    .mutation(({ ctx, input }) =>
      respondWithLink(ctx.db, ctx.clock, input, (tenantId) => ctx.hub.announce(tenantId)),
    ),
  results: tenantProcedure('manage')
    .input(pulseResultsInput)
    .output(pulseResults)
    .query(({ ctx, input }) => readPulseResults(ctx.db, ctx.clock, ctx.access, input)),
  exportResults: tenantProcedure('manage')
    .input(pulseResultsInput)
    .output(exportFile)
    .query(({ ctx, input }) => exportPulseResults(ctx.db, ctx.clock, ctx.access, input)),
});
