import {
  meetingScoped,
  ownQuestionPage,
  question,
  questionAnswerInput,
  questionEditInput,
  questionInput,
  questionListInput,
  questionMergeInput,
  questionMineInput,
  questionNotifyInput,
  questionNotifySetting,
  questionPage,
  questionPinInput,
  questionSimilarInput,
  questionSubmitInput,
  questionTagInput,
  queueFreezeInput,
  queueSnapshot,
  tag,
  tagCreateInput,
  tenantScoped,
  upvoteResult,
} from '@pulsestage/contracts';
import { z } from 'zod';
import { setQuestionNotify } from '../notifications/service.js';
import { router, tenantProcedure } from '../trpc/trpc.js';
import * as curation from './curation.js';
import { mergeQuestion } from './merge.js';
import { freezeQueue, readQueueState } from './queue.js';
import * as questions from './service.js';
import { findSimilarQuestions } from './similar.js';
import { createTag, listTags } from './tags.js';

export const questionRouter = router({
  list: tenantProcedure('read')
    .input(questionListInput)
    .output(questionPage)
    .query(({ ctx, input }) => questions.listMeetingQuestions(ctx.db, ctx.access, input)),
  get: tenantProcedure('read')
    .input(questionInput)
    .output(question)
    .query(({ ctx, input }) => questions.getVisibleQuestion(ctx.db, ctx.access, input)),
  similar: tenantProcedure('participate')
    .input(questionSimilarInput)
    .output(z.array(question))
    .query(({ ctx, input }) => findSimilarQuestions(ctx.db, ctx.access, input)),
  mine: tenantProcedure('participate')
    .input(questionMineInput)
    .output(ownQuestionPage)
    .query(({ ctx, input }) => questions.listMyQuestions(ctx.db, ctx.access, input)),
  submit: tenantProcedure('participate')
    .input(questionSubmitInput)
    .output(question)
    .mutation(({ ctx, input }) => questions.submitQuestion(ctx.db, ctx.access, input)),
  upvote: tenantProcedure('participate')
    .meta({ announcesItself: true })
    .input(questionInput)
    .output(upvoteResult)
    .mutation(({ ctx, input }) => ctx.votes.upvote(ctx.access, input)),
  removeUpvote: tenantProcedure('participate')
    .meta({ announcesItself: true })
    .input(questionInput)
    .output(upvoteResult)
    .mutation(({ ctx, input }) => ctx.votes.removeUpvote(ctx.access, input)),
  /** The author's own choice of being told when it is answered. */
  setNotify: tenantProcedure('participate')
    .input(questionNotifyInput)
    .output(questionNotifySetting)
    .mutation(({ ctx, input }) => setQuestionNotify(ctx.db, ctx.access, input)),
  answer: tenantProcedure('moderate')
    .input(questionAnswerInput)
    .output(question)
    .mutation(({ ctx, input }) => questions.answerQuestion(ctx.db, ctx.access, input)),
  tag: tenantProcedure('moderate')
    .input(questionTagInput)
    .output(question)
    .mutation(({ ctx, input }) => curation.tagQuestion(ctx.db, ctx.access, input)),
  untag: tenantProcedure('moderate')
    .input(questionTagInput)
    .output(question)
    .mutation(({ ctx, input }) => curation.untagQuestion(ctx.db, ctx.access, input)),
  pin: tenantProcedure('moderate')
    .input(questionPinInput)
    .output(question)
    .mutation(({ ctx, input }) => questions.pinQuestion(ctx.db, ctx.access, input)),
  approve: tenantProcedure('moderate')
    .input(questionInput)
    .output(question)
    .mutation(({ ctx, input }) => questions.approveQuestion(ctx.db, ctx.access, input)),
  reject: tenantProcedure('moderate')
    .input(questionInput)
    .mutation(({ ctx, input }) => questions.rejectQuestion(ctx.db, ctx.access, input)),
  edit: tenantProcedure('participate')
    .input(questionEditInput)
    .output(question)
    .mutation(({ ctx, input }) => curation.editQuestion(ctx.db, ctx.access, input)),
  withdraw: tenantProcedure('participate')
    .input(questionInput)
    .mutation(({ ctx, input }) => curation.withdrawQuestion(ctx.db, ctx.access, input)),
  hide: tenantProcedure('moderate')
    .input(questionInput)
    .output(question)
    .mutation(({ ctx, input }) => curation.hideQuestion(ctx.db, ctx.access, input)),
  restore: tenantProcedure('moderate')
    .input(questionInput)
    .output(question)
    .mutation(({ ctx, input }) => curation.restoreQuestion(ctx.db, ctx.access, input)),
  merge: tenantProcedure('moderate')
    .input(questionMergeInput)
    .output(question)
    .mutation(({ ctx, input }) => mergeQuestion(ctx.db, ctx.access, input)),
  reopen: tenantProcedure('moderate')
    .input(questionInput)
    .output(question)
    .mutation(({ ctx, input }) => questions.reopenQuestion(ctx.db, ctx.access, input)),
});

export const queueRouter = router({
  state: tenantProcedure('read')
    .input(meetingScoped)
    .output(queueSnapshot)
    .query(({ ctx, input }) => readQueueState(ctx.db, ctx.access, input.meetingId)),
  freeze: tenantProcedure('moderate')
    .input(queueFreezeInput)
    .output(queueSnapshot)
    .mutation(({ ctx, input }) => freezeQueue(ctx.db, ctx.access, input)),
});

export const tagRouter = router({
  list: tenantProcedure('read')
    .input(tenantScoped)
    .output(z.array(tag))
    .query(({ ctx }) => listTags(ctx.db, ctx.access.tenant.id)),
  create: tenantProcedure('moderate')
    .input(tagCreateInput)
    .output(tag)
    .mutation(({ ctx, input }) => createTag(ctx.db, ctx.access.tenant.id, input)),
});
