import { z } from 'zod';
import { versionSelection } from './events/wire.js';
import {
  DISPLAY_NAME_MAX,
  FRAME_ORIGINS_MAX,
  LABEL_MAX,
  MEETING_DESCRIPTION_MAX,
  MEETING_TITLE_MAX,
  PASSWORD_MIN,
  PER_MINUTE_LIMIT_MAX,
  QUESTION_BODY_MAX,
  RESPONSE_TEXT_MAX,
  RESTRICTED_WORD_MAX,
  RESTRICTED_WORDS_MAX,
} from './limits.js';
import {
  hexColor,
  isoDateTime,
  language,
  meetingCode,
  questionStatus,
  role,
  tenantSlug,
  uuid,
} from './primitives.js';
import { comparableText, text } from './text.js';

const email = text(3, 254).toLowerCase().pipe(z.email());
const password = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(256, 'must be at most 256 characters');
const displayName = text(1, DISPLAY_NAME_MAX);
const label = text(1, LABEL_MAX);
const code = text(8, 128);

export const tenantScoped = z.strictObject({ tenant: tenantSlug });
export const meetingScoped = tenantScoped.extend({ meetingId: uuid });
const questionScoped = meetingScoped.extend({ questionId: uuid });

export const signUpInput = z.strictObject({ email, password, name: displayName });
export const signInInput = z.strictObject({ email, password: z.string().min(1).max(256) });
/** A tenant join link's code, or a meeting's six-digit code (which lands in that meeting). */
export const joinWithCodeInput = z.strictObject({
  code: z.union([meetingCode, code]),
  name: displayName.optional(),
});
export const joinCodeInput = joinWithCodeInput.pick({ code: true });
export const openDisplayInput = z.strictObject({ token: text(8, 256) });

export const tenantCreateInput = z.strictObject({ tenant: tenantSlug, name: displayName });
export const tenantSettingsInput = tenantScoped.extend({
  name: displayName.optional(),
  requireApproval: z.boolean().optional(),
  allowGuests: z.boolean().optional(),
  minQuestionLength: z.number().int().min(1).max(QUESTION_BODY_MAX).optional(),
  maxQuestionLength: z.number().int().min(1).max(QUESTION_BODY_MAX).optional(),
  submitLimitPerMinute: z.number().int().min(1).max(PER_MINUTE_LIMIT_MAX).optional(),
  upvoteLimitPerMinute: z.number().int().min(1).max(PER_MINUTE_LIMIT_MAX).optional(),
  /** Null: each person's browser decides. */
  defaultLanguage: language.nullable().optional(),
});
export const memberInput = tenantScoped.extend({ userId: uuid });
export const setRoleInput = memberInput.extend({ role });
/** The team a member's pulse answers count for; null: none. */
export const setMemberTeamInput = memberInput.extend({ teamId: uuid.nullable() });
export const linkInput = tenantScoped.extend({ linkId: uuid });
export const createServiceTokenInput = tenantScoped.extend({ name: label, role });
export const serviceTokenInput = tenantScoped.extend({ tokenId: uuid });

export const teamCreateInput = tenantScoped.extend({ name: label });
export const tagCreateInput = tenantScoped.extend({ name: label, color: hexColor });

export const MEETING_LISTS = ['open', 'upcoming', 'past'] as const;
export const meetingListInput = tenantScoped.extend({ when: z.enum(MEETING_LISTS).optional() });

const meetingFields = {
  title: text(1, MEETING_TITLE_MAX),
  description: text(0, MEETING_DESCRIPTION_MAX).nullable(),
  opensAt: isoDateTime.nullable(),
  closesAt: isoDateTime.nullable(),
  /** Null follows the tenant's setting. */
  requireApproval: z.boolean().nullable(),
  allowGuests: z.boolean().nullable(),
};
function checkOpensBeforeCloses(
  meeting: { opensAt?: string | null; closesAt?: string | null },
  ctx: z.RefinementCtx,
): void {
  if (meeting.opensAt && meeting.closesAt && Date.parse(meeting.closesAt) <= Date.parse(meeting.opensAt)) {
    ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
  }
}
export const meetingCreateInput = tenantScoped
  .extend({
    ...meetingFields,
    description: meetingFields.description.default(null),
    opensAt: meetingFields.opensAt.default(null),
    closesAt: meetingFields.closesAt.default(null),
    requireApproval: meetingFields.requireApproval.default(null),
    allowGuests: meetingFields.allowGuests.default(null),
  })
  .superRefine(checkOpensBeforeCloses);
export const meetingUpdateInput = meetingScoped
  .extend({
    title: meetingFields.title.optional(),
    description: meetingFields.description.optional(),
    opensAt: meetingFields.opensAt.optional(),
    closesAt: meetingFields.closesAt.optional(),
    requireApproval: meetingFields.requireApproval.optional(),
    allowGuests: meetingFields.allowGuests.optional(),
  })
  .superRefine(checkOpensBeforeCloses);
export const meetingExportInput = meetingScoped.extend({ format: z.enum(['csv', 'json']) });

export const QUESTION_SORTS = ['top', 'newest'] as const;
export const questionListInput = meetingScoped.extend({
  status: questionStatus.optional(),
  teamId: uuid.optional(),
  tagId: uuid.optional(),
  search: text(0, 200).optional(),
  /** Moderators only: true lists the hidden questions instead of the others. */
  hidden: z.boolean().optional(),
  sort: z.enum(QUESTION_SORTS).default('top'),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
  /** Sent by tRPC's infinite queries; pages only go forward. */
  direction: z.literal('forward').optional(),
});
export type QuestionListInput = z.infer<typeof questionListInput>;
export const questionMineInput = meetingScoped.extend({
  limit: questionListInput.shape.limit,
  cursor: questionListInput.shape.cursor,
  direction: questionListInput.shape.direction,
});

export const questionInput = questionScoped;
export const questionSubmitInput = meetingScoped.extend({
  body: text(1, QUESTION_BODY_MAX),
  teamId: uuid.nullable().default(null),
  /** Tell the author when it is answered (in the app, and by email if they want email). */
  notifyWhenAnswered: z.boolean().default(false),
});
/** Without `responseText` the question is marked answered live. */
export const questionAnswerInput = questionScoped.extend({
  responseText: text(1, RESPONSE_TEXT_MAX).nullable().default(null),
});
export const questionEditInput = questionScoped.extend({ body: text(1, QUESTION_BODY_MAX) });
/** The text being typed: open questions of the meeting that say much the same come back. */
export const questionSimilarInput = meetingScoped.extend({ body: text(0, QUESTION_BODY_MAX) });
export const SIMILAR_QUESTIONS_MAX = 5;
/** A duplicate merged into another open question of the same meeting. */
export const questionMergeInput = questionScoped.extend({ intoQuestionId: uuid });
export const questionTagInput = questionScoped.extend({ tagId: uuid });
export const questionPinInput = questionScoped.extend({ pinned: z.boolean() });
export const queueFreezeInput = meetingScoped.extend({ frozen: z.boolean() });

export const eventsSubscribeInput = tenantScoped.extend({
  /** Set by the client on reconnect: the id of the last event it received. */
  lastEventId: z.string().max(32).nullish(),
  versions: versionSelection.optional(),
  /** Only this meeting's events, and the tenant-wide ones. */
  meetingId: uuid.optional(),
});

/** For procedures that take nothing: anything sent is refused rather than ignored. */
export const noInput = z.strictObject({}).nullish();

/** Keeps the first of the entries that `key` says are the same. */
function distinctBy<T>(key: (entry: T) => string) {
  return (entries: T[]) => {
    const seen = new Set<string>();
    return entries.filter((entry) => {
      const seenBefore = seen.has(key(entry));
      seen.add(key(entry));
      return !seenBefore;
    });
  };
}

/** A word or phrase that sends a question containing it to review; spaces inside count as one. */
const restrictedWord = text(1, RESTRICTED_WORD_MAX).overwrite((word) => word.replace(/\s+/gu, ' '));

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** The origin as browsers send it, if `value` is `https://host[:port]` or `http://localhost[:port]`. */
function frameOriginOf(value: string): string | null {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return null;
  const url = new URL(value);
  const secure = url.protocol === 'https:' || url.hostname === 'localhost';
  const onlyOrigin = !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
  return secure && onlyOrigin && HOST_NAME.test(url.hostname) ? url.origin : null;
}

const frameOrigin = z
  .string()
  .trim()
  .max(200, 'must be at most 200 characters')
  .transform((value, ctx) => {
    const origin = frameOriginOf(value);
    if (origin !== null) return origin;
    ctx.addIssue({ code: 'custom', message: 'must be an origin like https://intranet.example.com' });
    return z.NEVER;
  });

/** Admins only. A list sent replaces the stored one; a list left out stays as it is. */
export const tenantSafetySettingsInput = tenantScoped.extend({
  restrictedWords: z
    .array(restrictedWord)
    .max(RESTRICTED_WORDS_MAX, `must list at most ${RESTRICTED_WORDS_MAX} words`)
    .transform(distinctBy(comparableText))
    .optional(),
  displayFrameOrigins: z
    .array(frameOrigin)
    .max(FRAME_ORIGINS_MAX, `must list at most ${FRAME_ORIGINS_MAX} origins`)
    .transform(distinctBy((origin: string) => origin))
    .optional(),
});
