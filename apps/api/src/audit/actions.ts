import {
  type AuditAction,
  type AuditSummary,
  type AuditTargetType,
  createServiceTokenInput,
  linkInput,
  meetingCreateInput,
  meetingScoped,
  meetingUpdateInput,
  memberInput,
  pulseQuestionCreateInput,
  pulseQuestionOrderInput,
  pulseQuestionUpdateInput,
  pulseSettingsInput,
  questionAnswerInput,
  questionEditInput,
  questionInput,
  questionMergeInput,
  questionPinInput,
  questionTagInput,
  queueFreezeInput,
  removedGuests,
  serviceTokenInput,
  setMemberTeamInput,
  setRoleInput,
  ssoSettingsInput,
  tagCreateInput,
  teamCreateInput,
  tenantSafetySettingsInput,
  tenantScoped,
  tenantSettingsInput,
  tenantSnapshot,
} from '@pulsestage/contracts';
import { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import { readStoredSsoSettings } from '../auth/sso/settings.js';
import type { Database } from '../db/schema.js';
import { findMeeting, toMeetingPublic } from '../meetings/repository.js';
import { findPulseQuestion, toPulseQuestion } from '../pulse/questions-repository.js';
import { readPulseSettings } from '../pulse/settings.js';
import { findTenantTag } from '../questions/tags-repository.js';
import {
  findMembershipRole,
  findMemberTeamName,
  findTeamName,
  findTenantById,
} from '../tenants/repository.js';
import { readSafetySettings } from '../tenants/safety.js';
import { findLinkKind, findQuestionStatus, findServiceTokenName, isQuestionAuthor } from './repository.js';

/** What an entry says about an action that succeeded. */
export interface AuditDescription {
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string | null;
  summary: AuditSummary;
}

/** Describes the action once it succeeded, from its output. */
export type Describe = (output: unknown) => AuditDescription;

/** How one procedure is audited. */
export interface AuditRule {
  /**
   * Runs before the procedure, on its raw input: reads what the entry needs from before the change
   * (a member's old role, say). Null when nothing is to be recorded: the input is not valid (the
   * procedure refuses it anyway) or the caller acts on their own question.
   */
  prepare(db: Database, access: TenantAccess, rawInput: unknown): Promise<Describe | null>;
}

interface Described<Input, Before> {
  input: Input;
  output: unknown;
  before: Before;
  tenantId: string;
}

function audited<Schema extends z.ZodType, Before = undefined>(spec: {
  input: Schema;
  /** Whether the caller acts as a participant this time (on their own question), which is not recorded. */
  ownAction?: (db: Database, access: TenantAccess, input: z.output<Schema>) => Promise<boolean>;
  before?: (db: Database, tenantId: string, input: z.output<Schema>) => Promise<Before>;
  describe: (described: Described<z.output<Schema>, Before>) => AuditDescription;
}): AuditRule {
  return {
    async prepare(db, access, rawInput) {
      const parsed = await spec.input.safeParseAsync(rawInput);
      if (!parsed.success || (await spec.ownAction?.(db, access, parsed.data))) return null;
      const tenantId = access.tenant.id;
      const before = (await spec.before?.(db, tenantId, parsed.data)) as Before;
      return (output) => spec.describe({ input: parsed.data, output, before, tenantId });
    },
  };
}

const withId = z.object({ id: z.string() });
const idOf = (output: unknown) => withId.parse(output).id;
const fieldsOf = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? { ...value } : {};

/** The fields the caller sent (ids aside) whose stored value the change altered. */
function changedFields(input: object, before: unknown, after: unknown, ids: string[]): string[] {
  const [was, is] = [fieldsOf(before), fieldsOf(after)];
  return Object.entries(input)
    .filter(([key, value]) => value !== undefined && !ids.includes(key))
    .filter(([key]) => JSON.stringify(was[key]) !== JSON.stringify(is[key]))
    .map(([key]) => key);
}

// Questions: the target is the question, and nothing of its author or text is kept.

const questionStatusBefore = (db: Database, tenantId: string, input: { questionId: string }) =>
  findQuestionStatus(db, tenantId, input.questionId);

function onQuestion(action: AuditAction, summary: AuditSummary): AuditRule {
  return audited({
    input: questionInput,
    describe: ({ input }) => ({ action, targetType: 'question', targetId: input.questionId, summary }),
  });
}

function questionStatusChange(
  schema: typeof questionInput | typeof questionAnswerInput,
  action: AuditAction,
  to: string,
) {
  return audited({
    input: schema,
    before: questionStatusBefore,
    describe: ({ input, before }) => ({
      action,
      targetType: 'question',
      targetId: input.questionId,
      summary: {
        status: { from: before ?? null, to },
        ...('responseText' in input ? { response: input.responseText === null ? 'live' : 'written' } : {}),
      },
    }),
  });
}

function questionTagChange(action: AuditAction) {
  return audited({
    input: questionTagInput,
    before: async (db, tenantId, input) => (await findTenantTag(db, tenantId, input.tagId))?.name ?? null,
    describe: ({ input, before }) => ({
      action,
      targetType: 'question',
      targetId: input.questionId,
      summary: { tag: before },
    }),
  });
}

// Meetings

const meetingBefore = async (db: Database, tenantId: string, input: { meetingId: string }) => {
  const row = await findMeeting(db, tenantId, input.meetingId);
  return row && toMeetingPublic(row);
};

function meetingStateChange(action: AuditAction) {
  return audited({
    input: meetingScoped,
    before: meetingBefore,
    describe: ({ input, output, before }) => ({
      action,
      targetType: 'meeting',
      targetId: input.meetingId,
      summary: {
        state: { from: before?.state ?? null, to: z.object({ state: z.string() }).parse(output).state },
      },
    }),
  });
}

// Settings: which ones changed, not their values (a restricted word list can be long, and offensive).

const namedSettings = tenantSnapshot.pick({ name: true, settings: true });
const settingsOf = (tenant: z.infer<typeof namedSettings>) => ({ name: tenant.name, ...tenant.settings });

// Members

const roleBefore = async (db: Database, tenantId: string, input: { userId: string }) =>
  (await findMembershipRole(db, tenantId, input.userId)) ?? null;

function memberChange<Schema extends typeof memberInput>(
  input: Schema,
  action: AuditAction,
  to: (input: z.output<Schema>) => string | null,
) {
  return audited({
    input,
    before: roleBefore,
    describe: ({ input, before }) => ({
      action,
      targetType: 'member',
      targetId: input.userId,
      summary: { role: { from: before, to: to(input) } },
    }),
  });
}

/**
 * Every procedure that a moderator or admin changes something with, by its path. A procedure members
 * use too (`question.edit`) is recorded only when a moderator or higher calls it on someone else's
 * question: a member's own questions, votes and edits are theirs, and recording them would name a
 * question's author.
 */
export const AUDITED_PROCEDURES: Record<string, AuditRule> = {
  'question.answer': questionStatusChange(questionAnswerInput, 'question.answer', 'ANSWERED'),
  'question.edit': audited({
    input: questionEditInput,
    // A moderator rewording their own question does it as its author: recording it would name them.
    ownAction: (db, access, input) =>
      isQuestionAuthor(db, access.tenant.id, input.questionId, access.actor.id),
    describe: ({ input }) => ({
      action: 'question.edit',
      targetType: 'question',
      targetId: input.questionId,
      summary: { changed: ['body'] },
    }),
  }),
  'question.hide': onQuestion('question.hide', { hidden: true }),
  'question.restore': onQuestion('question.restore', { hidden: false }),
  'question.pin': audited({
    input: questionPinInput,
    describe: ({ input }) => ({
      action: input.pinned ? 'question.pin' : 'question.unpin',
      targetType: 'question',
      targetId: input.questionId,
      summary: { pinned: input.pinned },
    }),
  }),
  'question.tag': questionTagChange('question.tag'),
  'question.untag': questionTagChange('question.untag'),
  'question.approve': questionStatusChange(questionInput, 'question.approve', 'OPEN'),
  'question.reject': questionStatusChange(questionInput, 'question.reject', 'REJECTED'),
  'question.reopen': questionStatusChange(questionInput, 'question.reopen', 'OPEN'),
  'question.merge': audited({
    input: questionMergeInput,
    describe: ({ input }) => ({
      action: 'question.merge',
      targetType: 'question',
      targetId: input.questionId,
      summary: { into: input.intoQuestionId },
    }),
  }),
  'queue.freeze': audited({
    input: queueFreezeInput,
    describe: ({ input }) => ({
      action: input.frozen ? 'meeting.pause' : 'meeting.resume',
      targetType: 'meeting',
      targetId: input.meetingId,
      summary: { paused: input.frozen },
    }),
  }),
  'meeting.create': audited({
    input: meetingCreateInput,
    describe: ({ input, output }) => ({
      action: 'meeting.create',
      targetType: 'meeting',
      targetId: idOf(output),
      summary: { title: input.title },
    }),
  }),
  'meeting.update': audited({
    input: meetingUpdateInput,
    before: meetingBefore,
    describe: ({ input, output, before }) => ({
      action: 'meeting.update',
      targetType: 'meeting',
      targetId: input.meetingId,
      summary: { changed: changedFields(input, before, output, ['tenant', 'meetingId']) },
    }),
  }),
  'meeting.open': meetingStateChange('meeting.open'),
  'meeting.close': meetingStateChange('meeting.close'),
  'meeting.delete': audited({
    input: meetingScoped,
    describe: ({ input, output }) => ({
      action: 'meeting.delete',
      targetType: 'meeting',
      targetId: input.meetingId,
      summary: { title: z.object({ title: z.string() }).parse(output).title },
    }),
  }),
  'tenant.setRole': memberChange(setRoleInput, 'member.changeRole', (input) => input.role),
  'tenant.removeMember': memberChange(memberInput, 'member.remove', () => null),
  'tenant.setMemberTeam': audited({
    input: setMemberTeamInput,
    before: async (db, tenantId, input) => ({
      from: await findMemberTeamName(db, tenantId, input.userId),
      to: input.teamId === null ? null : await findTeamName(db, tenantId, input.teamId),
    }),
    describe: ({ input, before }) => ({
      action: 'member.setTeam',
      targetType: 'member',
      targetId: input.userId,
      summary: { team: before },
    }),
  }),
  'tenant.readmitMember': audited({
    input: memberInput,
    describe: ({ input }) => ({
      action: 'member.readmit',
      targetType: 'member',
      targetId: input.userId,
      summary: {},
    }),
  }),
  'tenant.removeGuests': audited({
    input: tenantScoped,
    describe: ({ output, tenantId }) => ({
      action: 'member.removeGuests',
      targetType: 'tenant',
      targetId: tenantId,
      summary: { removed: removedGuests.parse(output).removed },
    }),
  }),
  'tenant.updateSettings': audited({
    input: tenantSettingsInput,
    before: async (db, tenantId) => {
      const tenant = await findTenantById(db, tenantId);
      return tenant && settingsOf(tenant);
    },
    describe: ({ input, output, before, tenantId }) => ({
      action: 'settings.update',
      targetType: 'tenant',
      targetId: tenantId,
      summary: { changed: changedFields(input, before, settingsOf(namedSettings.parse(output)), ['tenant']) },
    }),
  }),
  'tenant.updateSafetySettings': audited({
    input: tenantSafetySettingsInput,
    before: (db, tenantId) => readSafetySettings(db, tenantId),
    describe: ({ input, output, before, tenantId }) => ({
      action: 'settings.updateSafety',
      targetType: 'tenant',
      targetId: tenantId,
      summary: { changed: changedFields(input, before, output, ['tenant']) },
    }),
  }),
  'tenant.createJoinLink': audited({
    input: tenantScoped,
    describe: ({ output }) => ({
      action: 'link.create',
      targetType: 'link',
      targetId: idOf(output),
      summary: { kind: 'join' },
    }),
  }),
  'tenant.createDisplayLink': audited({
    input: tenantScoped,
    describe: ({ output }) => ({
      action: 'link.create',
      targetType: 'link',
      targetId: idOf(output),
      summary: { kind: 'display' },
    }),
  }),
  'tenant.revokeLink': audited({
    input: linkInput,
    before: (db, tenantId, input) => findLinkKind(db, tenantId, input.linkId),
    describe: ({ input, before }) => ({
      action: 'link.revoke',
      targetType: 'link',
      targetId: input.linkId,
      summary: { kind: before ?? null },
    }),
  }),
  'tenant.createServiceToken': audited({
    input: createServiceTokenInput,
    describe: ({ input, output }) => ({
      action: 'token.create',
      targetType: 'serviceToken',
      targetId: idOf(output),
      summary: { name: input.name, role: input.role },
    }),
  }),
  'tenant.revokeServiceToken': audited({
    input: serviceTokenInput,
    before: (db, tenantId, input) => findServiceTokenName(db, tenantId, input.tokenId),
    describe: ({ input, before }) => ({
      action: 'token.revoke',
      targetType: 'serviceToken',
      targetId: input.tokenId,
      summary: { name: before ?? null },
    }),
  }),
  'team.create': audited({
    input: teamCreateInput,
    describe: ({ input, output }) => ({
      action: 'team.create',
      targetType: 'team',
      targetId: idOf(output),
      summary: { name: input.name },
    }),
  }),
  // Which settings changed, never the client secret itself: only that a new one was given.
  'sso.updateSettings': audited({
    input: ssoSettingsInput,
    before: (db, tenantId) => readStoredSsoSettings(db, tenantId),
    describe: ({ input: { clientSecret, ...input }, output, before, tenantId }) => ({
      action: 'sso.updateSettings',
      targetType: 'tenant',
      targetId: tenantId,
      summary: {
        changed: [
          ...changedFields(input, before, output, ['tenant']),
          ...(clientSecret ? ['clientSecret'] : []),
        ],
      },
    }),
  }),
  'pulse.updateSettings': audited({
    input: pulseSettingsInput,
    before: (db, tenantId) => readPulseSettings(db, tenantId),
    describe: ({ input, output, before, tenantId }) => ({
      action: 'pulse.updateSettings',
      targetType: 'tenant',
      targetId: tenantId,
      summary: { changed: changedFields(input, before, output, ['tenant']) },
    }),
  }),
  'pulse.createQuestion': audited({
    input: pulseQuestionCreateInput,
    describe: ({ input, output }) => ({
      action: 'pulseQuestion.create',
      targetType: 'pulseQuestion',
      targetId: idOf(output),
      summary: { scale: input.scale },
    }),
  }),
  'pulse.updateQuestion': audited({
    input: pulseQuestionUpdateInput,
    before: async (db, tenantId, input) => {
      const row = await findPulseQuestion(db, tenantId, input.questionId);
      return row && toPulseQuestion(row);
    },
    describe: ({ input, output, before }) => ({
      action: 'pulseQuestion.update',
      targetType: 'pulseQuestion',
      targetId: input.questionId,
      summary: { changed: changedFields(input, before, output, ['tenant', 'questionId']) },
    }),
  }),
  'pulse.reorderQuestions': audited({
    input: pulseQuestionOrderInput,
    describe: ({ input, tenantId }) => ({
      action: 'pulseQuestion.reorder',
      targetType: 'tenant',
      targetId: tenantId,
      summary: { questions: input.questionIds.length },
    }),
  }),
  'tag.create': audited({
    input: tagCreateInput,
    describe: ({ input, output }) => ({
      action: 'tag.create',
      targetType: 'tag',
      targetId: idOf(output),
      summary: { name: input.name },
    }),
  }),
};
